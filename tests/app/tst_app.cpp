#include "app/approot.h"
#include "app/mainwindowloader.h"
#include "app/portfoliomodel.h"
#include "app/positionsmodel.h"
#include "app/positionsproxymodel.h"
#include "app/qmlplugins.h"

#include "core/broker/simbroker.h"
#include "core/domain/money.h"
#include "core/marketdata/simfeed.h"
#include "core/realtime/portfoliotracker.h"

#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

QStringList g_qmlWarnings;
QtMessageHandler g_previousHandler = nullptr;

// Records every warning that comes from QML (binding errors, type errors, missing properties).
void recordQmlWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QLatin1StringView category(context.category ? context.category : "");
    const bool fromQml = category.startsWith("qml"_L1) || category.startsWith("js"_L1)
        || message.contains(u"qrc:/"_s) || message.contains(u".qml"_s);
    if (type >= QtWarningMsg && fromQml)
        g_qmlWarnings.append(message);
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

AppRoot::Options testOptions(const QString &dataDir)
{
    AppRoot::Options o;
    o.dataDir = dataDir;
    o.seed = 7;
    o.ticksPerSecond = 40;
    o.stepIntervalMs = 250;
    o.minUpdateInterval = std::chrono::milliseconds(10);
    o.recalculationInterval = std::chrono::milliseconds(0);
    o.positionsRefreshMs = 10;
    o.startFeed = false; // the test drives the market with step()
    return o;
}

// Cash + Σ qty × the feed's last price, straight from the broker and the feed.
std::optional<Decimal> expectedTotal(AppRoot &root)
{
    const auto account = root.broker()->account(root.accountId()).result();
    const auto positions = root.broker()->positions(root.accountId()).result();
    if (!account || !positions)
        return std::nullopt;
    Decimal total = account->cash;
    for (const Position &p : *positions) {
        const auto price = root.feed()->lastPrice(p.symbol);
        if (!price)
            return std::nullopt;
        total += p.qty * *price;
    }
    return total;
}

std::optional<Decimal> shownTotal(const AppRoot &root)
{
    const auto update = root.portfolio()->lastUpdate();
    return update ? update->totalValue : std::nullopt;
}

} // namespace

class TestApp : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<AppRoot> startRoot(const QString &dataDir)
    {
        auto root = std::make_unique<AppRoot>(testOptions(dataDir));
        QSignalSpy ready(root.get(), &AppRoot::ready);
        const auto started = root->start();
        if (!started) {
            qWarning().noquote() << started.error();
            return nullptr;
        }
        // SimBroker finishes its futures at once, so ready() may already have come.
        if (ready.isEmpty() && !ready.wait(5000))
            return nullptr;
        return root;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QQuickStyle::setStyle(u"Basic"_s);
        g_previousHandler = qInstallMessageHandler(recordQmlWarnings);
    }

    void init() { g_qmlWarnings.clear(); }

    void firstRunOpensAccountWithStarterPortfolio()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto root = startRoot(dir.path());
        QVERIFY(root);
        QTRY_VERIFY(!root->portfolio()->loading());
        QCOMPARE(root->portfolio()->error(), QString());

        const auto accounts = root->broker()->accounts().result();
        QVERIFY(accounts);
        QCOMPARE(accounts->size(), 1);
        const auto positions = root->broker()->positions(root->accountId()).result();
        QVERIFY(positions);
        QCOMPARE(positions->size(), AppRoot::starterPortfolio().size());

        // Every starter order filled: cash spent is the notional of each, less at most a cent each
        // (quantities are truncated to 9 digits, so a fill never costs more than asked).
        Decimal spent;
        for (const AppRoot::StarterOrder &o : AppRoot::starterPortfolio())
            spent += o.notional;
        const Decimal left = Decimal(AppRoot::kStartingCash) - spent;
        const Decimal cash = accounts->constFirst().cash;
        QVERIFY2(cash >= left && cash - left < Decimal::fromCents(AppRoot::starterPortfolio().size()),
                 qPrintable(cash.toString()));
        QTRY_COMPARE(root->portfolio()->positionCount(), int(positions->size()));
        QVERIFY(root->portfolio()->cash().startsWith(u'$'));
        QCOMPARE(root->portfolio()->accountNotice(), u"Paper account — simulated market, not real money"_s);
    }

    void totalIsCashPlusPositionsAndFollowsTheFeed()
    {
        QTemporaryDir dir;
        auto root = startRoot(dir.path());
        QVERIFY(root);
        QTRY_VERIFY(!root->portfolio()->loading());

        QTRY_VERIFY(shownTotal(*root).has_value() && shownTotal(*root) == expectedTotal(*root));
        const Decimal before = *shownTotal(*root);
        QCOMPARE(root->portfolio()->totalValue(), formatUsd(before));

        for (int i = 0; i < 8; ++i)
            root->simFeed()->step();
        const auto after = expectedTotal(*root);
        QVERIFY(after);
        QVERIFY2(*after != before, "eight feed steps over seven holdings should move the total");
        QTRY_VERIFY(shownTotal(*root) == after);
        QCOMPARE(root->portfolio()->totalValue(), formatUsd(*after));
        QVERIFY(root->portfolio()->todayReturn() != u"—"_s);
        QVERIFY(root->portfolio()->todayReturnPercent().endsWith(u'%'));
    }

    void positionsModelHasOneRowPerPosition()
    {
        QTemporaryDir dir;
        auto root = startRoot(dir.path());
        QVERIFY(root);
        PositionsModel *model = root->positions();
        const auto positions = root->broker()->positions(root->accountId()).result();
        QVERIFY(positions);
        QTRY_COMPARE(model->rowCount(), int(positions->size()));
        QVERIFY(!model->loading());

        const QHash<int, QByteArray> roles = model->roleNames();
        for (const char *name : {"symbol", "name", "qty", "price", "marketValue", "dayChange", "dayChangePercent",
                                 "weight", "isUp", "isDown", "weightFraction"})
            QVERIFY2(roles.values().contains(QByteArray(name)), name);

        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex at = model->index(row);
            const QString symbol = at.data(PositionsModel::SymbolRole).toString();
            const auto held = std::find_if(positions->cbegin(), positions->cend(),
                                           [&](const Position &p) { return p.symbol == symbol; });
            QVERIFY2(held != positions->cend(), qPrintable(symbol));
            QCOMPARE(at.data(PositionsModel::QtyRole).toString(), held->qty.toFixed(4, RoundingMode::HalfUp));
            const Decimal price = *root->feed()->lastPrice(symbol);
            QCOMPARE(at.data(PositionsModel::PriceRole).toString(), formatUsd(price));
            QCOMPARE(at.data(PositionsModel::MarketValueRole).toString(), formatUsd(held->qty * price));
            QVERIFY(at.data(PositionsModel::WeightRole).toString().endsWith(u'%'));
            QVERIFY(!at.data(PositionsModel::NameRole).toString().isEmpty());
            const bool up = at.data(PositionsModel::IsUpRole).toBool();
            const bool down = at.data(PositionsModel::IsDownRole).toBool();
            QVERIFY(!(up && down));
            QCOMPARE(at.data(PositionsModel::DayChangeRole).toString().startsWith(u'+'), up);
        }

        // Movers: the extremes of the day's percentage change among the rows.
        QString best, worst;
        std::optional<Decimal> high, low;
        for (const Position &p : *positions) {
            const Decimal change = (*root->feed()->lastPrice(p.symbol) - *root->feed()->previousClose(p.symbol))
                / *root->feed()->previousClose(p.symbol);
            if (!high || change > *high) {
                high = change;
                best = p.symbol;
            }
            if (!low || change < *low) {
                low = change;
                worst = p.symbol;
            }
        }
        QCOMPARE(model->bestSymbol(), best);
        QCOMPARE(model->worstSymbol(), worst);
        QCOMPARE(model->bestChangePercent(), formatPercent(*high, true));

        // Live: a step that moves held symbols changes only rows whose text changed, and soon.
        QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(model, &QAbstractItemModel::modelReset);
        for (int i = 0; i < 4; ++i)
            root->simFeed()->step();
        QTRY_VERIFY(changed.count() > 0);
        QCOMPARE(reset.count(), 0);
        for (const QList<QVariant> &args : std::as_const(changed))
            QCOMPARE(args.at(0).value<QModelIndex>(), args.at(1).value<QModelIndex>());
        for (int row = 0; row < model->rowCount(); ++row) {
            const QString symbol = model->index(row).data(PositionsModel::SymbolRole).toString();
            QCOMPARE(model->index(row).data(PositionsModel::PriceRole).toString(),
                     formatUsd(*root->feed()->lastPrice(symbol)));
        }
    }

    void proxySortsExactlyAndFilters()
    {
        QTemporaryDir dir;
        auto root = startRoot(dir.path());
        QVERIFY(root);
        PositionsProxyModel *proxy = root->sortedPositions();
        QTRY_COMPARE(proxy->rowCount(), int(AppRoot::starterPortfolio().size()));
        QCOMPARE(proxy->sortKey(), PositionsModel::SortKey::MarketValue);
        QVERIFY(proxy->descending());
        // The largest starter order is VOO.
        QCOMPARE(proxy->index(0, 0).data(PositionsModel::SymbolRole).toString(), u"VOO"_s);

        proxy->sortBy(PositionsModel::SortKey::Symbol);
        QVERIFY(!proxy->descending());
        QStringList symbols;
        for (int row = 0; row < proxy->rowCount(); ++row)
            symbols.append(proxy->index(row, 0).data(PositionsModel::SymbolRole).toString());
        QStringList sorted = symbols;
        sorted.sort();
        QCOMPARE(symbols, sorted);

        proxy->setFilterText(u"micro"_s);
        QCOMPARE(proxy->count(), 1);
        QCOMPARE(proxy->index(0, 0).data(PositionsModel::SymbolRole).toString(), u"MSFT"_s);
        proxy->setFilterText({});
        QCOMPARE(proxy->count(), int(AppRoot::starterPortfolio().size()));
    }

    void restartNeverBuysTwice()
    {
        QTemporaryDir dir;
        QString firstAccount;
        {
            auto root = startRoot(dir.path());
            QVERIFY(root);
            firstAccount = root->accountId();
        }
        auto root = startRoot(dir.path());
        QVERIFY(root);
        QCOMPARE(root->accountId(), firstAccount);
        const auto accounts = root->broker()->accounts().result();
        QVERIFY(accounts);
        QCOMPARE(accounts->size(), 1);
        OrderQuery all;
        all.status = OrderQuery::Status::All;
        all.limit = 500;
        const auto orders = root->broker()->orders(root->accountId(), all).result();
        QVERIFY(orders);
        QCOMPARE(orders->size(), AppRoot::starterPortfolio().size());
        QTRY_VERIFY(!root->portfolio()->loading());
        QCOMPARE(root->portfolio()->positionCount(), int(AppRoot::starterPortfolio().size()));
    }

    void mainWindowRendersOffscreenWithoutQmlWarnings()
    {
        QTemporaryDir dir;
        auto root = startRoot(dir.path());
        QVERIFY(root);
        QTRY_VERIFY(!root->portfolio()->loading());

        QQmlApplicationEngine engine;
        QString error;
        QQuickWindow *window = MainWindowLoader::load(engine, *root, &error);
        QVERIFY2(window, qPrintable(error));
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QCOMPARE(window->size(), QSize(1280, 800));
        for (int i = 0; i < 3; ++i)
            root->simFeed()->step();
        QTest::qWait(100); // let a refresh render; nothing to wait on in the scene graph itself

        const QImage image = window->grabWindow();
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), window->size() * window->devicePixelRatio());
        // Not a blank frame: the background and at least some text colours are present.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 20, qPrintable(u"only %1 colours"_s.arg(colours.size())));
        QVERIFY(window->title().contains(u'$'));
        QVERIFY2(g_qmlWarnings.isEmpty(), qPrintable(g_qmlWarnings.join(u'\n')));
    }
};

QTEST_MAIN(TestApp)
#include "tst_app.moc"
