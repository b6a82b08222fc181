pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import Clera.Models
import Clera.Ui

// Today's best and worst holdings.
ColumnLayout {
    id: root

    required property PositionsModel holdings

    spacing: 10

    component Mover: Rectangle {
        id: mover

        property string caption
        property string symbol
        property string change
        property bool up
        property bool down

        Layout.fillWidth: true
        Layout.preferredHeight: 52
        radius: 10
        color: Theme.surfaceRaised
        border.color: Theme.divider

        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 14
            anchors.rightMargin: 14
            spacing: 10

            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2

                Text {
                    text: mover.caption
                    color: Theme.textMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontCaption
                }
                Text {
                    Layout.fillWidth: true
                    text: mover.symbol.length > 0 ? mover.symbol : "—"
                    color: Theme.textPrimary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                }
            }

            Text {
                text: (mover.up ? "▲ " : mover.down ? "▼ " : "") + mover.change
                color: Theme.changeColor(mover.up, mover.down)
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontBody
                font.bold: true
            }
        }
    }

    SectionLabel {
        text: qsTr("Today's movers")
    }

    Mover {
        Layout.topMargin: 2
        caption: qsTr("Best")
        symbol: root.holdings.bestSymbol
        change: root.holdings.bestChangePercent
        up: root.holdings.bestIsUp
        down: root.holdings.bestIsDown
    }

    Mover {
        caption: qsTr("Worst")
        symbol: root.holdings.worstSymbol
        change: root.holdings.worstChangePercent
        up: root.holdings.worstIsUp
        down: root.holdings.worstIsDown
    }

    Item { Layout.fillHeight: true }
}
