pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import Clera.Models
import Clera.Ui

// The headline: total portfolio value and today's change.
Card {
    id: root

    required property PortfolioModel portfolio
    required property PositionsModel holdings

    readonly property bool up: root.portfolio.direction === PortfolioModel.Up
    readonly property bool down: root.portfolio.direction === PortfolioModel.Down

    implicitHeight: 196

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.cardPadding
        spacing: Theme.gap

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            SectionLabel {
                text: qsTr("Portfolio value")
            }

            Text {
                Layout.topMargin: 12
                text: root.portfolio.loading ? qsTr("Loading…") : root.portfolio.totalValue
                color: root.portfolio.loading ? Theme.textMuted : Theme.textPrimary
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontHero
                font.bold: true
                font.letterSpacing: -0.5
            }

            RowLayout {
                Layout.topMargin: 14
                spacing: 10
                visible: !root.portfolio.loading

                Pill {
                    text: (root.up ? "▲ " : root.down ? "▼ " : "") + root.portfolio.todayReturn
                          + "   " + root.portfolio.todayReturnPercent
                    fontSize: Theme.fontBody
                    horizontalPadding: 12
                    color: root.up ? Theme.positiveSoft : root.down ? Theme.negativeSoft : Theme.surfaceRaised
                    textColor: Theme.changeColor(root.up, root.down)
                }

                Text {
                    text: qsTr("Today")
                    color: Theme.textSecondary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                }
            }

            Item { Layout.fillHeight: true }

            RowLayout {
                Layout.fillWidth: true
                spacing: 8

                Rectangle {
                    Layout.preferredWidth: 16
                    Layout.preferredHeight: 16
                    radius: 8
                    color: "transparent"
                    border.color: Theme.warning
                    border.width: 1.5

                    Text {
                        anchors.centerIn: parent
                        text: "i"
                        color: Theme.warning
                        font.family: Theme.fontFamily
                        font.pixelSize: 10
                        font.bold: true
                    }
                }

                Text {
                    Layout.fillWidth: true
                    text: root.portfolio.accountNotice
                    color: Theme.textMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSmall
                    elide: Text.ElideRight
                }
            }
        }

        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: 1
            color: Theme.divider
            visible: movers.visible
        }

        MoversPanel {
            id: movers
            Layout.preferredWidth: 230
            Layout.fillHeight: true
            visible: root.holdings.count > 0 && !root.portfolio.loading
            holdings: root.holdings
        }
    }
}
