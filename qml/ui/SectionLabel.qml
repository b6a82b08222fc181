import QtQuick

// The small upper-case caption above a figure or a section.
Text {
    color: Theme.textMuted
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontCaption
    font.bold: true
    font.letterSpacing: 1.1
    font.capitalization: Font.AllUppercase
}
