#pragma once

#include <QObject>
#include <QSet>
#include <QTimer>

namespace clera {

class AlpacaMarketData;
class AlpacaStream;
class SymbolRegistry;

// Gives the Alpaca stream the previous session's close of every symbol the registry subscribes, from
// market-data snapshots: at once for new symbols, and for all of them every refresh interval (a new
// session has a new previous close). A failed request is retried after the retry interval; until a
// close is known, today's return stays unknown.
class PreviousCloseLoader : public QObject
{
    Q_OBJECT
public:
    PreviousCloseLoader(SymbolRegistry *registry, AlpacaStream *stream, AlpacaMarketData *data,
                        std::chrono::milliseconds refreshInterval = std::chrono::hours(1),
                        std::chrono::milliseconds retryInterval = std::chrono::seconds(30),
                        QObject *parent = nullptr);

    void refresh();

Q_SIGNALS:
    void loaded(int symbols);
    void failed(const QString &message);

private:
    void load(const QStringList &symbols);

    SymbolRegistry *m_registry;
    AlpacaStream *m_stream;
    AlpacaMarketData *m_data;
    QSet<QString> m_retry;
    QTimer m_refresh;
    QTimer m_retryTimer;
};

} // namespace clera
