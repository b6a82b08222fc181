import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Clera.Ui

// A centred loading or error message inside a card.
ColumnLayout {
    id: root

    property bool busy: false
    property string title
    property string detail
    property bool isError: false

    spacing: 10

    BusyIndicator {
        Layout.alignment: Qt.AlignHCenter
        Layout.preferredWidth: 32
        Layout.preferredHeight: 32
        visible: root.busy
        running: root.busy
    }

    Text {
        Layout.alignment: Qt.AlignHCenter
        text: root.title
        color: root.isError ? Theme.negative : Theme.textPrimary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontTitle
        font.bold: true
    }

    Text {
        Layout.alignment: Qt.AlignHCenter
        Layout.maximumWidth: 520
        visible: root.detail.length > 0
        text: root.detail
        color: Theme.textSecondary
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontBody
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
    }
}
