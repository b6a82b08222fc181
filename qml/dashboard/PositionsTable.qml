pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Clera.Models
import Clera.Ui

// The holdings: title with count and a filter, sortable column header, live rows.
Card {
    id: root

    required property PositionsProxyModel positions
    required property bool loading
    required property string error

    clip: true

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.preferredHeight: 60
            Layout.leftMargin: Theme.cardPadding
            Layout.rightMargin: Theme.cardPadding
            spacing: 10

            Text {
                text: qsTr("Positions")
                color: Theme.textPrimary
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontTitle
                font.bold: true
            }

            Pill {
                visible: !root.loading
                text: root.positions.count.toString()
                color: Theme.surfaceRaised
                textColor: Theme.textSecondary
                horizontalPadding: 8
            }

            Item { Layout.fillWidth: true }

            TextField {
                id: filter
                Layout.preferredWidth: 220
                Layout.preferredHeight: 32
                placeholderText: qsTr("Filter by symbol or name")
                placeholderTextColor: Theme.textMuted
                color: Theme.textPrimary
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSmall
                leftPadding: 12
                background: Rectangle {
                    radius: 8
                    color: Theme.background
                    border.color: filter.activeFocus ? Theme.accent : Theme.border
                }
                onTextChanged: root.positions.filterText = text
            }
        }

        PositionsHeader {
            Layout.fillWidth: true
            positions: root.positions
        }

        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: root.positions
            boundsBehavior: Flickable.StopAtBounds
            visible: !root.loading && root.error.length === 0 && count > 0
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }

            delegate: PositionRow {
                width: list.width
            }
        }

        StateMessage {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: !list.visible
            busy: root.loading
            isError: root.error.length > 0
            title: root.error.length > 0 ? qsTr("Positions are unavailable")
                 : root.loading ? qsTr("Loading positions…")
                 : filter.text.length > 0 ? qsTr("No positions match “%1”").arg(filter.text)
                 : qsTr("No positions yet")
            detail: root.error.length > 0 ? root.error
                  : root.loading || filter.text.length > 0 ? ""
                  : qsTr("Cash is ready to invest. Holdings appear here as soon as an order fills.")
        }
    }
}
