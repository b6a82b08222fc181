pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import Clera.Models
import Clera.Ui

// Cash, invested amount and number of holdings.
Card {
    id: root

    required property PortfolioModel portfolio

    implicitHeight: 196

    component Stat: ColumnLayout {
        id: stat

        property string label
        property string value
        property string note

        Layout.fillWidth: true
        Layout.alignment: Qt.AlignTop
        spacing: 8

        SectionLabel {
            text: stat.label
        }

        Text {
            text: stat.value
            color: Theme.textPrimary
            font.family: Theme.fontFamily
            font.pixelSize: 22
            font.bold: true
        }

        Text {
            text: stat.note
            color: Theme.textSecondary
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSmall
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.cardPadding
        spacing: Theme.gap

        Stat {
            label: qsTr("Cash")
            value: root.portfolio.loading ? "—" : root.portfolio.cash
            note: root.portfolio.loading ? "" : qsTr("%1 of portfolio").arg(root.portfolio.cashShare)
        }

        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: 1
            color: Theme.divider
        }

        Stat {
            label: qsTr("Invested")
            value: root.portfolio.loading ? "—" : root.portfolio.marketValue
            note: root.portfolio.positionCount === 1 ? qsTr("in 1 position")
                                                      : qsTr("in %1 positions").arg(root.portfolio.positionCount)
        }
    }
}
