pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import Clera.Models
import Clera.Ui

// Cash and invested amounts, and how the portfolio splits between them.
Card {
    id: root

    required property PortfolioModel portfolio

    implicitHeight: 196

    component Stat: ColumnLayout {
        id: stat

        property string label
        property string value
        property string note

        // Equal preferred widths so both columns share the card evenly.
        Layout.fillWidth: true
        Layout.preferredWidth: 100
        Layout.minimumWidth: 0
        Layout.alignment: Qt.AlignTop
        spacing: 6

        SectionLabel {
            text: stat.label
        }

        Text {
            Layout.fillWidth: true
            text: stat.value
            elide: Text.ElideRight
            color: Theme.textPrimary
            font.family: Theme.fontFamily
            font.pixelSize: 22
            font.bold: true
        }

        Text {
            text: stat.note
            color: Theme.textSecondary
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSmall
        }
    }

    component Legend: RowLayout {
        id: legend

        property color swatch
        property string label

        spacing: 6

        Rectangle {
            Layout.preferredWidth: 8
            Layout.preferredHeight: 8
            radius: 4
            color: legend.swatch
        }

        Text {
            text: legend.label
            color: Theme.textSecondary
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSmall
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.cardPadding
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.gap

            Stat {
                label: qsTr("Invested")
                value: root.portfolio.loading ? "—" : root.portfolio.marketValue
                note: root.portfolio.positionCount === 1 ? qsTr("in 1 position")
                                                          : qsTr("in %1 positions").arg(root.portfolio.positionCount)
            }

            Stat {
                label: qsTr("Cash")
                value: root.portfolio.loading ? "—" : root.portfolio.cash
                note: qsTr("available to invest")
            }
        }

        Item { Layout.fillHeight: true }

        Rectangle {
            id: bar
            Layout.fillWidth: true
            Layout.preferredHeight: 8
            radius: 4
            color: Theme.textMuted
            opacity: root.portfolio.loading ? 0.3 : 1

            Rectangle {
                width: bar.width * Math.min(1, Math.max(0, root.portfolio.investedFraction))
                height: bar.height
                radius: 4
                color: Theme.accent
            }
        }

        RowLayout {
            Layout.topMargin: 10
            Layout.fillWidth: true
            spacing: 18
            visible: !root.portfolio.loading

            Legend {
                swatch: Theme.accent
                label: qsTr("Invested %1").arg(root.portfolio.investedShare)
            }
            Legend {
                swatch: Theme.textMuted
                label: qsTr("Cash %1").arg(root.portfolio.cashShare)
            }
            Item { Layout.fillWidth: true }
        }
    }
}
