pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import Clera.Ui

// One holding: instrument, then right-aligned figures; the day's change in green or red.
Rectangle {
    id: root

    required property int index
    required property string symbol
    required property string name
    required property string qty
    required property string price
    required property string marketValue
    required property string dayChange
    required property string dayChangePercent
    required property string weight
    required property double weightFraction
    required property bool isUp
    required property bool isDown

    readonly property color changeColor: Theme.changeColor(root.isUp, root.isDown)
    readonly property list<color> avatarColors: ["#5B8CFF", "#2FCB82", "#B07CFF", "#F2B24C", "#39C5D6", "#F27DA8", "#8FA3BF"]

    implicitHeight: 50
    color: hover.hovered ? Theme.surfaceHover : "transparent"

    HoverHandler {
        id: hover
    }

    component Figure: Text {
        Layout.fillHeight: true
        horizontalAlignment: Text.AlignRight
        verticalAlignment: Text.AlignVCenter
        color: Theme.textPrimary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        elide: Text.ElideLeft
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.cardPadding
        anchors.rightMargin: Theme.cardPadding
        spacing: PositionColumns.spacing

        RowLayout {
            Layout.fillWidth: true
            spacing: 12

            Rectangle {
                Layout.preferredWidth: 32
                Layout.preferredHeight: 32
                radius: 8
                color: Qt.rgba(avatar.accent.r, avatar.accent.g, avatar.accent.b, 0.16)

                Text {
                    id: avatar
                    readonly property color accent: root.avatarColors[root.symbol.charCodeAt(0) % root.avatarColors.length]
                    anchors.centerIn: parent
                    text: root.symbol.charAt(0)
                    color: accent
                    font.family: Theme.fontFamily
                    font.pixelSize: 14
                    font.bold: true
                }
            }

            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2

                Text {
                    text: root.symbol
                    color: Theme.textPrimary
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                }
                Text {
                    Layout.fillWidth: true
                    text: root.name
                    color: Theme.textMuted
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSmall
                    elide: Text.ElideRight
                }
            }
        }

        Figure {
            Layout.preferredWidth: PositionColumns.qty
            text: root.qty
            color: Theme.textSecondary
        }
        Figure {
            Layout.preferredWidth: PositionColumns.price
            text: root.price
        }
        Figure {
            Layout.preferredWidth: PositionColumns.marketValue
            text: root.marketValue
            font.bold: true
        }
        Figure {
            Layout.preferredWidth: PositionColumns.dayChange
            text: root.dayChange
            color: root.changeColor
        }
        Figure {
            Layout.preferredWidth: PositionColumns.dayChangePercent
            text: root.dayChangePercent
            color: root.changeColor
        }

        RowLayout {
            Layout.preferredWidth: PositionColumns.weight
            Layout.maximumWidth: PositionColumns.weight
            spacing: 10

            Rectangle {
                Layout.fillWidth: true
                Layout.preferredHeight: 4
                radius: 2
                color: Theme.divider

                Rectangle {
                    width: parent.width * Math.min(1, Math.max(0, root.weightFraction))
                    height: parent.height
                    radius: 2
                    color: Theme.accent
                }
            }

            Figure {
                Layout.preferredWidth: 56
                text: root.weight
                color: Theme.textSecondary
            }
        }
    }

    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.leftMargin: Theme.cardPadding
        anchors.rightMargin: Theme.cardPadding
        anchors.bottom: parent.bottom
        height: 1
        color: Theme.divider
    }
}
