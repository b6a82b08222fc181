pragma Singleton

import QtQuick

// Colours, type scale and spacing of the whole app: a dark, low-glare palette with one accent and
// green/red reserved for gains and losses.
QtObject {
    readonly property color background: "#0A0E13"
    readonly property color surface: "#111821"
    readonly property color surfaceRaised: "#161F2A"
    readonly property color surfaceHover: "#1A2431"
    readonly property color border: "#1F2A37"
    readonly property color divider: "#18212C"

    readonly property color textPrimary: "#E6EBF1"
    readonly property color textSecondary: "#9AA6B5"
    readonly property color textMuted: "#64717F"

    readonly property color accent: "#5B8CFF"
    readonly property color positive: "#2FCB82"
    readonly property color positiveSoft: "#12301F"
    readonly property color negative: "#F26D6D"
    readonly property color negativeSoft: "#3A1A1D"
    readonly property color warning: "#F2B24C"
    readonly property color warningSoft: "#2E2413"

    readonly property string fontFamily: "DejaVu Sans"

    readonly property int fontHero: 40
    readonly property int fontTitle: 17
    readonly property int fontBody: 13
    readonly property int fontSmall: 12
    readonly property int fontCaption: 11

    readonly property int radius: 12
    readonly property int gap: 20
    readonly property int pagePadding: 28
    readonly property int cardPadding: 24

    // Text colour of a change: green up, red down, muted when flat or unknown.
    function changeColor(up: bool, down: bool): color {
        if (up)
            return positive;
        if (down)
            return negative;
        return textSecondary;
    }
}
