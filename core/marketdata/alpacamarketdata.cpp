#include "alpacamarketdata.h"

#include "core/domain/jsonreader.h"

#include <QJsonObject>
#include <QPromise>

#include <memory>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

ApiError decodeError(const QString &message)
{
    ApiError e;
    e.kind = ApiError::Kind::Decode;
    e.message = message;
    return e;
}

} // namespace

AlpacaMarketData::AlpacaMarketData(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)),
      m_rest(new RestClient(RestClient::Options{m_options.baseUrl, m_options.auth, m_options.keyId,
                                                m_options.secret, m_options.timeout, m_options.retry,
                                                QByteArrayLiteral("Clera")},
                            this))
{
}

Expected<AlpacaMarketData::Snapshots, ApiError> AlpacaMarketData::decodeSnapshots(const QJsonDocument &json)
{
    if (!json.isObject())
        return unexpected(decodeError(u"snapshots: expected an object of symbol → snapshot"_s));
    Snapshots out;
    const QJsonObject root = json.object();
    for (auto it = root.constBegin(); it != root.constEnd(); ++it) {
        if (it.value().isNull())
            continue; // no data for this symbol
        if (!it.value().isObject())
            return unexpected(decodeError(u"snapshots.%1: expected an object"_s.arg(it.key())));
        JsonReader r(it.value().toObject(), u"snapshots."_s + it.key());
        Snapshot s;
        if (const auto trade = r.optObject(u"latestTrade")) {
            JsonReader t(*trade, r.pathOf(u"latestTrade"));
            s.latestTradePrice = t.decimal(u"p");
            s.latestTradeTime = t.timestamp(u"t");
            if (!t.ok())
                r.fail(*t.error());
        }
        if (const auto bar = r.optObject(u"prevDailyBar")) {
            JsonReader b(*bar, r.pathOf(u"prevDailyBar"));
            s.previousClose = b.decimal(u"c");
            if (!b.ok())
                r.fail(*b.error());
        }
        if (!r.ok())
            return unexpected(decodeError(r.error()->toString()));
        out.insert(it.key(), s);
    }
    return out;
}

QFuture<Expected<AlpacaMarketData::Snapshots, ApiError>> AlpacaMarketData::snapshots(const QStringList &symbols)
{
    using Result = Expected<Snapshots, ApiError>;
    struct Gather
    {
        QPromise<Result> promise;
        Snapshots merged;
        int outstanding = 0;
        bool failed = false;
    };
    auto gather = std::make_shared<Gather>();
    gather->promise.start();
    QFuture<Result> future = gather->promise.future();
    if (symbols.isEmpty()) {
        gather->promise.addResult(Result(Snapshots{}));
        gather->promise.finish();
        return future;
    }
    const int batch = std::max(1, m_options.batchSize);
    gather->outstanding = int((symbols.size() + batch - 1) / batch);
    for (qsizetype i = 0; i < symbols.size(); i += batch) {
        QUrlQuery query;
        query.addQueryItem(u"symbols"_s, symbols.mid(i, batch).join(u','));
        query.addQueryItem(u"feed"_s, m_options.feed);
        m_rest->send(RestRequest::get(u"/v2/stocks/snapshots"_s, query)).then(this, [gather](const RestResult &r) {
            if (gather->failed)
                return;
            auto decoded = r ? decodeSnapshots(r->json) : Result(unexpected(r.error()));
            if (!decoded) {
                gather->failed = true;
                gather->promise.addResult(Result(unexpected(decoded.error())));
                gather->promise.finish();
                return;
            }
            gather->merged.insert(*decoded);
            if (--gather->outstanding == 0) {
                gather->promise.addResult(Result(gather->merged));
                gather->promise.finish();
            }
        });
    }
    return future;
}

} // namespace clera
