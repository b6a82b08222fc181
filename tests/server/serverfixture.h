#pragma once

// What the server tests share: a configuration for an in-process server on free ports, finished
// broker futures, and a recording WebSocket client.

#include "core/broker/broker.h"
#include "core/config/config.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QWebSocket>

#include <algorithm>

namespace clera::test {

using namespace Qt::StringLiterals;

// SimBroker futures are finished when returned.
template <typename T> T ready(const QFuture<BrokerResult<T>> &future)
{
    if (!future.isFinished() || !future.result())
        qFatal("broker call failed");
    return *future.result();
}

inline Expected<Config, QString> configFor(const QString &dataDir, QStringList extra = {})
{
    QCommandLineParser parser;
    Config::addOptions(parser, Config::Server);
    QStringList args{u"tst_server_e2e"_s,
                     u"--data-dir"_s,
                     dataDir,
                     u"--api-host"_s,
                     u"127.0.0.1"_s,
                     u"--api-port"_s,
                     u"0"_s,
                     u"--ws-host"_s,
                     u"127.0.0.1"_s,
                     u"--ws-port"_s,
                     u"0"_s,
                     u"--min-update-interval"_s,
                     u"0"_s,
                     u"--recalculation-interval"_s,
                     u"0"_s};
    args += extra;
    if (!parser.parse(args))
        return unexpected(parser.errorText());
    return Config::resolve(parser, Config::Server, QProcessEnvironment());
}

class WsClient : public QObject
{
public:
    WsClient()
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
    }
    ~WsClient() override { socket.abort(); }

    [[nodiscard]] bool open(const QUrl &url)
    {
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(url);
        return connected.wait(5000);
    }
    [[nodiscard]] QJsonObject last() const { return messages.isEmpty() ? QJsonObject() : messages.last(); }
    [[nodiscard]] int count(const QString &type) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&type](const QJsonObject &m) {
            return m.value(u"type"_s).toString() == type;
        }));
    }

    QWebSocket socket;
    QList<QJsonObject> messages;
};

} // namespace clera::test
