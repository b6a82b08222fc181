pragma Singleton

import QtQuick

// Widths of the positions table's numeric columns, shared by the header and the rows; the
// instrument column takes the rest.
QtObject {
    readonly property int qty: 96
    readonly property int price: 112
    readonly property int marketValue: 136
    readonly property int dayChange: 124
    readonly property int dayChangePercent: 96
    readonly property int weight: 168
    readonly property int spacing: 16
}
