pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import Clera.Models
import Clera.Ui

// Column titles; clicking one sorts by it (again: reverses).
Item {
    id: root

    required property PositionsProxyModel positions

    implicitHeight: 36

    component HeaderCell: Item {
        id: cell

        required property string title
        required property int sortKey
        property bool alignRight: true

        readonly property bool sorted: root.positions.sortKey === cell.sortKey

        Layout.fillHeight: true
        implicitWidth: label.implicitWidth

        Text {
            id: label
            anchors.verticalCenter: parent.verticalCenter
            anchors.right: cell.alignRight ? parent.right : undefined
            anchors.left: cell.alignRight ? undefined : parent.left
            text: cell.title + (cell.sorted ? (root.positions.descending ? "  ↓" : "  ↑") : "")
            color: cell.sorted || mouse.containsMouse ? Theme.textSecondary : Theme.textMuted
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontCaption
            font.bold: true
            font.letterSpacing: 1.0
            font.capitalization: Font.AllUppercase
        }

        MouseArea {
            id: mouse
            anchors.fill: parent
            hoverEnabled: true
            cursorShape: Qt.PointingHandCursor
            onClicked: root.positions.sortBy(cell.sortKey)
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.cardPadding
        anchors.rightMargin: Theme.cardPadding
        spacing: PositionColumns.spacing

        HeaderCell {
            Layout.fillWidth: true
            title: qsTr("Instrument")
            sortKey: PositionsModel.Symbol
            alignRight: false
        }
        HeaderCell {
            Layout.preferredWidth: PositionColumns.qty
            title: qsTr("Shares")
            sortKey: PositionsModel.Qty
        }
        HeaderCell {
            Layout.preferredWidth: PositionColumns.price
            title: qsTr("Price")
            sortKey: PositionsModel.Price
        }
        HeaderCell {
            Layout.preferredWidth: PositionColumns.marketValue
            title: qsTr("Market value")
            sortKey: PositionsModel.MarketValue
        }
        HeaderCell {
            Layout.preferredWidth: PositionColumns.dayChange
            title: qsTr("Day change")
            sortKey: PositionsModel.DayChange
        }
        HeaderCell {
            Layout.preferredWidth: PositionColumns.dayChangePercent
            title: qsTr("Day %")
            sortKey: PositionsModel.DayChangePercent
        }
        HeaderCell {
            Layout.preferredWidth: PositionColumns.weight
            title: qsTr("Weight")
            sortKey: PositionsModel.Weight
        }
    }

    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 1
        color: Theme.border
    }
}
