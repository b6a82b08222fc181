import QtQuick

// A raised panel; content goes inside with the card's padding as margins.
Rectangle {
    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
    border.width: 1
}
