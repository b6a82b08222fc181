pragma ComponentBehavior: Bound

import QtQuick

// A small status light; pulses softly while `active`.
Item {
    id: root

    property color color: Theme.positive
    property bool active: false

    implicitWidth: 10
    implicitHeight: 10

    Rectangle {
        id: halo
        anchors.centerIn: parent
        width: root.width * 2
        height: width
        radius: width / 2
        color: root.color
        visible: root.active

        SequentialAnimation on opacity {
            running: root.active
            loops: Animation.Infinite
            NumberAnimation { from: 0.35; to: 0; duration: 1600; easing.type: Easing.OutCubic }
        }
    }

    Rectangle {
        anchors.fill: parent
        radius: width / 2
        color: root.color
    }
}
