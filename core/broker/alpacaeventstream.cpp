#include "alpacaeventstream.h"

#include "core/broker/alpacarestbroker.h"
#include "core/net/redaction.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace clera {

AlpacaEventStream::AlpacaEventStream(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_network(new QNetworkAccessManager(this))
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &AlpacaEventStream::open);
}

AlpacaEventStream::~AlpacaEventStream()
{
    stop();
}

void AlpacaEventStream::start()
{
    if (m_running)
        return;
    m_running = true;
    open();
}

void AlpacaEventStream::stop()
{
    m_running = false;
    m_reconnect.stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    if (m_connected) {
        m_connected = false;
        Q_EMIT connectedChanged(false);
    }
}

void AlpacaEventStream::open()
{
    if (!m_running)
        return;
    QUrl url = m_options.baseUrl;
    url.setPath(url.path() + m_options.path);
    if (!m_lastId.isEmpty())
        url.setQuery(QUrlQuery{{m_options.sinceParameter, m_lastId}});
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "text/event-stream");
    request.setRawHeader("Cache-Control", "no-cache");
    request.setRawHeader("Authorization",
                         "Basic " + (m_options.keyId + u':' + m_options.secret).toUtf8().toBase64());
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    m_buffer.clear();
    m_eventData.clear();
    ++m_attempts;
    qCDebug(lcAlpaca).noquote() << u"events: GET %1"_s.arg(redact::url(url));
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::readyRead, this, &AlpacaEventStream::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &AlpacaEventStream::onFinished);
}

void AlpacaEventStream::onReadyRead()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // the error body is read in onFinished
    if (!m_connected) {
        m_connected = true;
        m_failures = 0;
        Q_EMIT connectedChanged(true);
    }
    m_buffer += m_reply->readAll();
    qsizetype newline;
    while ((newline = m_buffer.indexOf('\n')) >= 0) {
        QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty()) { // end of an event
            if (!m_eventData.isEmpty())
                dispatch(m_eventData);
            m_eventData.clear();
        } else if (line.startsWith(':')) {
            if (line.contains("dropped"))
                qCWarning(lcAlpaca).noquote() << u"events: server says %1; resuming from the last id"_s
                                                     .arg(QString::fromUtf8(line.mid(1).trimmed()));
        } else if (line.startsWith("data:")) {
            if (!m_eventData.isEmpty())
                m_eventData += '\n';
            m_eventData += line.mid(5).trimmed();
        }
    }
}

void AlpacaEventStream::dispatch(const QByteArray &data)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
    QList<QJsonObject> events;
    if (doc.isObject())
        events.append(doc.object());
    else if (doc.isArray()) // not documented, accepted defensively
        for (const QJsonValue &v : doc.array())
            events.append(v.toObject());
    else {
        qCWarning(lcAlpaca) << "events: ignored a malformed event:" << error.errorString();
        return;
    }
    for (const QJsonObject &e : std::as_const(events)) {
        const QJsonValue idValue = e.value(m_options.idField);
        const QString id = idValue.isDouble() ? QString::number(qint64(idValue.toDouble())) : idValue.toString();
        if (!id.isEmpty()) {
            if (!isNewer(id))
                continue; // at-least-once delivery: already seen
            m_lastId = id;
        }
        Q_EMIT event(e);
    }
}

bool AlpacaEventStream::isNewer(const QString &id) const
{
    if (m_lastId.isEmpty())
        return true;
    bool a = false, b = false;
    const qint64 n = id.toLongLong(&a), last = m_lastId.toLongLong(&b);
    if (a && b)
        return n > last;
    return id > m_lastId; // ULIDs sort lexicographically by time
}

void AlpacaEventStream::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_connected) {
        m_connected = false;
        Q_EMIT connectedChanged(false);
    }
    if (!m_running)
        return;
    if (status == 401 || status == 403) {
        qCWarning(lcAlpaca) << "events: the Broker API refused the keys (" << status << "); not reconnecting";
        m_running = false;
        return;
    }
    scheduleReconnect(status ? u"HTTP %1"_s.arg(status) : reply->errorString());
}

void AlpacaEventStream::scheduleReconnect(const QString &reason)
{
    const int base = std::min(m_options.reconnectMaxMs, m_options.reconnectBaseMs << std::min(m_failures, 10));
    const int delay = base / 2 + int(QRandomGenerator::global()->bounded(base / 2 + 1));
    ++m_failures;
    qCInfo(lcAlpaca).noquote() << u"events %1 closed (%2); reconnecting in %3 ms from %4"_s.arg(
        m_options.path, reason, QString::number(delay), m_lastId.isEmpty() ? u"now"_s : m_lastId);
    m_reconnect.start(delay);
}

} // namespace clera
