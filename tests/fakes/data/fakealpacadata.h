#pragma once

#include "core/domain/decimal.h"

#include <QHash>
#include <QHttpServer>
#include <QObject>
#include <QUrl>

namespace clera::fake {

// Alpaca's market-data REST API on a local port (reference §5.0), as far as Clera uses it:
// GET /v2/stocks/snapshots?symbols=A,B[&feed=iex] with APCA headers (or Basic, as Broker API sandbox
// keys use). Symbols without data are absent from the answer, as on Alpaca.
class FakeAlpacaData : public QObject
{
    Q_OBJECT
public:
    explicit FakeAlpacaData(QObject *parent = nullptr);

    [[nodiscard]] quint16 listen(); // 0 on failure
    [[nodiscard]] QUrl baseUrl() const;
    void setCredentials(const QString &keyId, const QString &secret);

    void setSnapshot(const QString &symbol, Decimal lastTrade, Decimal previousClose);
    // The next `count` snapshot requests answer with this HTTP status (500, 429 …).
    void failNext(int count, int status) { m_failures = count; m_failureStatus = status; }
    [[nodiscard]] int snapshotRequests() const { return m_requests; }
    [[nodiscard]] QList<QStringList> requestedSymbols() const { return m_requested; }

private:
    struct Snapshot
    {
        Decimal lastTrade;
        Decimal previousClose;
    };

    QHttpServer m_server;
    quint16 m_port = 0;
    QString m_keyId = QStringLiteral("data-key");
    QString m_secret = QStringLiteral("data-secret");
    QHash<QString, Snapshot> m_snapshots;
    int m_failures = 0;
    int m_failureStatus = 500;
    int m_requests = 0;
    QList<QStringList> m_requested;
};

} // namespace clera::fake
