#include "previouscloseloader.h"

#include "alpacamarketdata.h"
#include "alpacastream.h"
#include "marketdatalog.h"
#include "symbolregistry.h"

using namespace Qt::StringLiterals;

namespace clera {

PreviousCloseLoader::PreviousCloseLoader(SymbolRegistry *registry, AlpacaStream *stream, AlpacaMarketData *data,
                                         std::chrono::milliseconds refreshInterval,
                                         std::chrono::milliseconds retryInterval, QObject *parent)
    : QObject(parent), m_registry(registry), m_stream(stream), m_data(data)
{
    connect(m_registry, &SymbolRegistry::symbolsAdded, this, &PreviousCloseLoader::load);
    m_refresh.setInterval(refreshInterval);
    connect(&m_refresh, &QTimer::timeout, this, &PreviousCloseLoader::refresh);
    m_refresh.start();
    m_retryTimer.setSingleShot(true);
    m_retryTimer.setInterval(retryInterval);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        const QStringList again = m_retry.values();
        m_retry.clear();
        load(again);
    });
    refresh();
}

void PreviousCloseLoader::refresh()
{
    load(m_registry->symbols());
}

void PreviousCloseLoader::load(const QStringList &symbols)
{
    if (symbols.isEmpty())
        return;
    m_data->snapshots(symbols).then(this, [this, symbols](const Expected<AlpacaMarketData::Snapshots, ApiError> &r) {
        if (!r) {
            const QString message = u"cannot load previous closes of %1 symbols: %2"_s.arg(symbols.size()).arg(r.error().message);
            qCWarning(lcMarketData).noquote() << message;
            for (const QString &s : symbols)
                m_retry.insert(s);
            if (!m_retryTimer.isActive())
                m_retryTimer.start();
            Q_EMIT failed(message);
            return;
        }
        QHash<QString, Decimal> closes;
        for (auto it = r->cbegin(); it != r->cend(); ++it) {
            if (it->previousClose)
                closes.insert(it.key(), *it->previousClose);
        }
        m_stream->setPreviousCloses(closes);
        Q_EMIT loaded(int(closes.size()));
    });
}

} // namespace clera
