#include "positionsbyaccount.h"

#include "jsonmembers.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace clera {

Expected<PositionsByAccount, DecodeError> PositionsByAccount::fromBrokerApi(QByteArray json)
{
    const auto top = jsonObjectMembers(json);
    if (!top)
        return unexpected(top.error());
    const auto member = std::find_if(top->cbegin(), top->cend(),
                                     [](const JsonMember &m) { return m.key == u"positions"; });
    if (member == top->cend())
        return unexpected(DecodeError{u"positions"_s, u"missing"_s});
    const QByteArrayView value = QByteArrayView(json).sliced(member->offset, member->length);
    if (!value.startsWith('{'))
        return unexpected(DecodeError{u"positions"_s, u"must be an object"_s});
    const auto accounts = jsonObjectMembers(value);
    if (!accounts)
        return unexpected(DecodeError{u"positions"_s, accounts.error().message});
    PositionsByAccount out;
    out.m_slices.reserve(accounts->size());
    for (const JsonMember &account : *accounts)
        out.m_slices.insert(account.key, {member->offset + account.offset, account.length});
    out.m_json = std::move(json);
    return out;
}

QStringList PositionsByAccount::accountIds() const
{
    QStringList out = m_decoded.keys();
    out.append(m_slices.keys());
    return out;
}

bool PositionsByAccount::contains(const QString &accountId) const
{
    return m_decoded.contains(accountId) || m_slices.contains(accountId);
}

Expected<QList<Position>, DecodeError> PositionsByAccount::positions(const QString &accountId) const
{
    if (const auto it = m_decoded.constFind(accountId); it != m_decoded.cend())
        return *it;
    const auto it = m_slices.constFind(accountId);
    if (it == m_slices.cend())
        return QList<Position>{};
    const QString path = u"positions."_s + accountId;
    // fromRawData: the slice is parsed where it lies, not copied first.
    const QByteArray text = QByteArray::fromRawData(m_json.constData() + it->offset, it->length);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        return unexpected(DecodeError{path, u"invalid JSON: "_s + error.errorString()});
    if (!doc.isArray())
        return unexpected(DecodeError{path, u"must be an array"_s});
    return decodeArray<Position>(doc.array(), path);
}

} // namespace clera
