import QtQuick

// A rounded label: badges, the change chip.
Rectangle {
    id: root

    property alias text: label.text
    property color textColor: Theme.textPrimary
    property int fontSize: Theme.fontCaption
    property bool bold: true
    property int horizontalPadding: 10

    implicitWidth: label.implicitWidth + 2 * horizontalPadding
    implicitHeight: label.implicitHeight + 8
    radius: height / 2

    Text {
        id: label
        anchors.centerIn: parent
        color: root.textColor
        font.family: Theme.fontFamily
        font.pixelSize: root.fontSize
        font.bold: root.bold
        font.letterSpacing: 0.4
    }
}
