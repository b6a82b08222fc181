#pragma once

#include "expected.h"
#include "jsonreader.h"
#include "position.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QStringList>

namespace clera {

// Every account's open positions (Broker::allPositions()). The Broker API answers with all of them in one
// JSON document, tens of MiB per thousand accounts: decoded at once, with QJsonDocument's containers in
// between, that was ≈ 750 MiB of short-lived heap at 10,000 × 25, and the holes it left made the process
// grow with every reload. This keeps the answer as text and decodes one account when asked.
class PositionsByAccount
{
public:
    PositionsByAccount() = default;
    // Already decoded (the simulated broker, the Trading API's single account).
    explicit PositionsByAccount(QHash<QString, QList<Position>> decoded) : m_decoded(std::move(decoded)) {}
    // `{"positions":{"<account_id>":[Position, …], …}, …}` as the Broker API sends it. The structure is
    // checked here; an account's positions are decoded, and checked, by positions().
    [[nodiscard]] static Expected<PositionsByAccount, DecodeError> fromBrokerApi(QByteArray json);

    [[nodiscard]] QStringList accountIds() const;
    [[nodiscard]] bool contains(const QString &accountId) const;
    [[nodiscard]] qsizetype size() const { return m_decoded.size() + m_slices.size(); }
    // The account's positions; empty for an account without any (not in the answer).
    [[nodiscard]] Expected<QList<Position>, DecodeError> positions(const QString &accountId) const;

private:
    struct Slice
    {
        qsizetype offset = 0;
        qsizetype length = 0;
    };
    QByteArray m_json;
    QHash<QString, Slice> m_slices;
    QHash<QString, QList<Position>> m_decoded;
};

} // namespace clera
