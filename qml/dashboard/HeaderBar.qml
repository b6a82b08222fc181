pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import Clera.Models
import Clera.Ui

// App name, trading mode and the market feed's state.
Rectangle {
    id: root

    required property PortfolioModel portfolio

    implicitHeight: 64
    color: Theme.surface

    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 1
        color: Theme.border
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.pagePadding
        anchors.rightMargin: Theme.pagePadding
        spacing: 12

        Rectangle {
            Layout.preferredWidth: 30
            Layout.preferredHeight: 30
            radius: 8
            gradient: Gradient {
                orientation: Gradient.Horizontal
                GradientStop { position: 0; color: "#5B8CFF" }
                GradientStop { position: 1; color: "#2FCB82" }
            }

            Text {
                anchors.centerIn: parent
                text: "C"
                color: "#FFFFFF"
                font.family: Theme.fontFamily
                font.pixelSize: 17
                font.bold: true
            }
        }

        Text {
            text: qsTr("Clera")
            color: Theme.textPrimary
            font.family: Theme.fontFamily
            font.pixelSize: 19
            font.bold: true
            font.letterSpacing: 0.3
        }

        Pill {
            Layout.leftMargin: 8
            text: qsTr("PAPER")
            color: Theme.warningSoft
            textColor: Theme.warning
            border.color: Qt.darker(Theme.warning, 2.2)
            border.width: 1
        }

        Text {
            text: root.portfolio.modeText
            color: Theme.textSecondary
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontBody
        }

        Item { Layout.fillWidth: true }

        Text {
            visible: root.portfolio.accountNumber.length > 0
            text: qsTr("Account %1").arg(root.portfolio.accountNumber)
            color: Theme.textMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSmall
        }

        Rectangle {
            Layout.preferredWidth: 1
            Layout.preferredHeight: 24
            Layout.leftMargin: 8
            Layout.rightMargin: 8
            color: Theme.border
            visible: root.portfolio.accountNumber.length > 0
        }

        Rectangle {
            id: feedChip
            Layout.preferredHeight: 30
            Layout.preferredWidth: feedRow.implicitWidth + 24
            radius: 15
            color: Theme.surfaceRaised
            border.color: Theme.border

            readonly property color stateColor: {
                switch (root.portfolio.feedState) {
                case PortfolioModel.Live:
                    return Theme.positive;
                case PortfolioModel.Connecting:
                case PortfolioModel.Degraded:
                    return Theme.warning;
                default:
                    return Theme.negative;
                }
            }

            RowLayout {
                id: feedRow
                anchors.centerIn: parent
                spacing: 8

                StatusDot {
                    Layout.preferredWidth: 8
                    Layout.preferredHeight: 8
                    color: feedChip.stateColor
                    active: root.portfolio.feedState === PortfolioModel.Live
                }

                Text {
                    text: root.portfolio.feedStatus
                    color: Theme.textPrimary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSmall
                    font.bold: true
                }

                Text {
                    visible: root.portfolio.lastUpdated.length > 0
                    text: qsTr("· %1").arg(root.portfolio.lastUpdated)
                    color: Theme.textSecondary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSmall
                }
            }
        }
    }
}
