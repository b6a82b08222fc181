pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import Clera.Models
import Clera.Ui

// The portfolio dashboard: header, value and summary cards, positions.
Rectangle {
    id: root

    required property PortfolioModel portfolio
    required property PositionsProxyModel positions
    required property PositionsModel holdings

    color: Theme.background

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        HeaderBar {
            Layout.fillWidth: true
            portfolio: root.portfolio
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.pagePadding
            Layout.rightMargin: Theme.pagePadding
            Layout.topMargin: Theme.gap
            Layout.preferredHeight: errorText.implicitHeight + 20
            visible: root.portfolio.error.length > 0
            radius: 8
            color: Theme.negativeSoft
            border.color: Qt.darker(Theme.negative, 2)

            Text {
                id: errorText
                anchors.fill: parent
                anchors.margins: 10
                anchors.leftMargin: 16
                text: root.portfolio.error
                color: Theme.negative
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontBody
                wrapMode: Text.Wrap
                verticalAlignment: Text.AlignVCenter
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.pagePadding
            Layout.rightMargin: Theme.pagePadding
            Layout.topMargin: Theme.gap
            spacing: Theme.gap

            ValueCard {
                Layout.fillWidth: true
                Layout.preferredWidth: 3
                portfolio: root.portfolio
                holdings: root.holdings
            }

            SummaryCard {
                Layout.fillWidth: true
                Layout.preferredWidth: 2
                portfolio: root.portfolio
            }
        }

        PositionsTable {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: Theme.pagePadding
            Layout.topMargin: Theme.gap
            positions: root.positions
            loading: root.portfolio.loading
            error: root.portfolio.error
        }
    }
}
