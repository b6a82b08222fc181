#include "portfoliomodel.h"

#include "core/domain/money.h"
#include "core/marketdata/marketfeed.h"
#include "core/realtime/portfoliotracker.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

const QString kUnknown = u"—"_s;

} // namespace

PortfolioModel::PortfolioModel(PortfolioTracker *tracker, MarketFeed *feed, const QString &modeText,
                               const QString &accountNotice, QObject *parent)
    : QObject(parent), m_tracker(tracker), m_feed(feed), m_modeText(modeText), m_accountNotice(accountNotice)
{
    connect(m_tracker, &PortfolioTracker::portfolioUpdated, this, &PortfolioModel::onUpdate);
    connect(m_tracker, &PortfolioTracker::accountLoaded, this, &PortfolioModel::onAccountLoaded);
    connect(m_tracker, &PortfolioTracker::accountFailed, this, &PortfolioModel::onAccountFailed);
    connect(m_feed, &MarketFeed::statusChanged, this, &PortfolioModel::feedChanged);
}

void PortfolioModel::setAccount(const QString &accountId, const QString &accountNumber)
{
    const bool wasLoading = loading();
    m_accountId = accountId;
    m_last.reset();
    if (m_accountNumber != accountNumber) {
        m_accountNumber = accountNumber;
        Q_EMIT accountNumberChanged();
    }
    if (const auto latest = m_tracker->latest(accountId))
        m_last = latest;
    m_positionCount = m_tracker->positionCount(accountId);
    Q_EMIT positionCountChanged();
    Q_EMIT valuesChanged();
    if (wasLoading != loading())
        Q_EMIT loadingChanged();
}

void PortfolioModel::setError(const QString &error)
{
    if (m_error == error)
        return;
    const bool wasLoading = loading();
    m_error = error;
    Q_EMIT errorChanged();
    if (wasLoading != loading())
        Q_EMIT loadingChanged();
}

void PortfolioModel::onUpdate(const PortfolioUpdate &update)
{
    if (update.accountId != m_accountId || m_accountId.isEmpty())
        return;
    const bool wasLoading = loading();
    m_last = update;
    Q_EMIT valuesChanged();
    if (wasLoading != loading())
        Q_EMIT loadingChanged();
}

void PortfolioModel::onAccountLoaded(const QString &accountId)
{
    if (accountId != m_accountId)
        return;
    const int count = m_tracker->positionCount(accountId);
    if (count != m_positionCount) {
        m_positionCount = count;
        Q_EMIT positionCountChanged();
    }
    // A reload succeeded: an earlier load error no longer applies.
    setError({});
}

void PortfolioModel::onAccountFailed(const QString &accountId, const BrokerError &error)
{
    if (!accountId.isEmpty() && accountId != m_accountId)
        return;
    setError(error.message);
}

QString PortfolioModel::totalValue() const
{
    return m_last && m_last->totalValue ? formatUsd(*m_last->totalValue) : kUnknown;
}

QString PortfolioModel::marketValue() const
{
    return m_last && m_last->marketValue ? formatUsd(*m_last->marketValue) : kUnknown;
}

QString PortfolioModel::cash() const
{
    return m_last ? formatUsd(m_last->cash) : kUnknown;
}

std::optional<Decimal> PortfolioModel::share(const std::optional<Decimal> &part) const
{
    if (!part || !m_last || !m_last->totalValue || !m_last->totalValue->isPositive())
        return std::nullopt;
    return part->checkedDiv(*m_last->totalValue);
}

QString PortfolioModel::cashShare() const
{
    const auto fraction = share(m_last ? std::optional<Decimal>(m_last->cash) : std::nullopt);
    return fraction ? formatPercent(*fraction) : kUnknown;
}

QString PortfolioModel::investedShare() const
{
    const auto fraction = share(m_last ? m_last->marketValue : std::nullopt);
    return fraction ? formatPercent(*fraction) : kUnknown;
}

double PortfolioModel::investedFraction() const
{
    const auto fraction = share(m_last ? m_last->marketValue : std::nullopt);
    return fraction ? fraction->rounded(4).toDouble() : 0.0;
}

QString PortfolioModel::todayReturn() const
{
    return m_last && m_last->todayReturn ? formatSignedUsd(*m_last->todayReturn) : kUnknown;
}

QString PortfolioModel::todayReturnPercent() const
{
    if (!m_last || !m_last->todayReturnPercent)
        return kUnknown;
    // The update carries percent units; formatPercent takes a fraction.
    return formatPercent(*m_last->todayReturnPercent / Decimal(100), true);
}

PortfolioModel::Direction PortfolioModel::direction() const
{
    if (!m_last || !m_last->todayReturn)
        return Direction::Flat;
    const Decimal cents = m_last->todayReturn->rounded(2, RoundingMode::HalfUp);
    if (cents.isPositive())
        return Direction::Up;
    if (cents.isNegative())
        return Direction::Down;
    return Direction::Flat;
}

QString PortfolioModel::lastUpdated() const
{
    if (!m_last)
        return {};
    return QLocale::c().toString(m_last->timestamp.toDateTime().toLocalTime().time(), u"HH:mm:ss"_s);
}

PortfolioModel::FeedState PortfolioModel::feedState() const
{
    switch (m_feed->status()) {
    case MarketFeed::Status::Disconnected:
        return FeedState::Disconnected;
    case MarketFeed::Status::Connecting:
        return FeedState::Connecting;
    case MarketFeed::Status::Live:
        return FeedState::Live;
    case MarketFeed::Status::Degraded:
        return FeedState::Degraded;
    }
    return FeedState::Disconnected;
}

QString PortfolioModel::feedStatus() const
{
    switch (feedState()) {
    case FeedState::Disconnected:
        return u"Feed offline"_s;
    case FeedState::Connecting:
        return u"Connecting"_s;
    case FeedState::Live:
        return u"Live"_s;
    case FeedState::Degraded:
        return u"Delayed"_s;
    }
    return {};
}

QString PortfolioModel::feedDetails() const
{
    return m_feed->statusMessage();
}

} // namespace clera
