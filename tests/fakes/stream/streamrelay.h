#pragma once

#include <QByteArray>
#include <QObject>

class QTcpSocket;

namespace clera::fake {

// Passes the bytes of one accepted TCP connection to the fake's inner WebSocket server and back. It
// exists so faults can be injected below the WebSocket layer: a silent relay drops everything in both
// directions, so not even pings are answered (QWebSocket answers them by itself).
class StreamRelay : public QObject
{
    Q_OBJECT
public:
    StreamRelay(QTcpSocket *client, quint16 innerPort, QObject *parent = nullptr);
    ~StreamRelay() override;

    void setSilent(bool silent) { m_silent = silent; }
    [[nodiscard]] bool isSilent() const { return m_silent; }
    // Resets both connections at once.
    void abort();

Q_SIGNALS:
    void finished();

private:
    void fromClient();
    void fromInner();
    void finish();

    QTcpSocket *m_client = nullptr;
    QTcpSocket *m_inner = nullptr;
    QByteArray m_pending; // client bytes that arrived before the inner connection was up
    bool m_silent = false;
    bool m_finished = false;
};

} // namespace clera::fake
