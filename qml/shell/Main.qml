pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls.Basic
import Clera.Dashboard
import Clera.Models
import Clera.Ui

ApplicationWindow {
    id: window

    required property PortfolioModel portfolio
    required property PositionsProxyModel positions
    required property PositionsModel holdings

    width: 1280
    height: 800
    minimumWidth: 1040
    minimumHeight: 640
    visible: true
    title: window.portfolio.loading ? qsTr("Clera") : qsTr("Clera — %1").arg(window.portfolio.totalValue)
    color: Theme.background

    DashboardPage {
        anchors.fill: parent
        portfolio: window.portfolio
        positions: window.positions
        holdings: window.holdings
    }
}
