#include "streamrelay.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace clera::fake {

StreamRelay::StreamRelay(QTcpSocket *client, quint16 innerPort, QObject *parent)
    : QObject(parent), m_client(client), m_inner(new QTcpSocket(this))
{
    m_client->setParent(this);
    connect(m_client, &QTcpSocket::readyRead, this, &StreamRelay::fromClient);
    connect(m_client, &QTcpSocket::disconnected, this, &StreamRelay::finish);
    connect(m_inner, &QTcpSocket::readyRead, this, &StreamRelay::fromInner);
    connect(m_inner, &QTcpSocket::disconnected, this, &StreamRelay::finish);
    connect(m_inner, &QTcpSocket::connected, this, [this] {
        if (!m_pending.isEmpty())
            m_inner->write(std::exchange(m_pending, {}));
    });
    connect(m_inner, &QAbstractSocket::errorOccurred, this, [this] {
        if (m_inner->state() == QAbstractSocket::UnconnectedState)
            finish();
    });
    m_inner->connectToHost(QHostAddress::LocalHost, innerPort);
    fromClient();
}

StreamRelay::~StreamRelay()
{
    m_client->disconnect(this);
    m_inner->disconnect(this);
}

void StreamRelay::abort()
{
    m_client->abort();
    m_inner->abort();
    finish();
}

void StreamRelay::fromClient()
{
    const QByteArray data = m_client->readAll();
    if (m_silent || data.isEmpty())
        return;
    if (m_inner->state() == QAbstractSocket::ConnectedState)
        m_inner->write(data);
    else
        m_pending += data;
}

void StreamRelay::fromInner()
{
    const QByteArray data = m_inner->readAll();
    if (!m_silent && !data.isEmpty())
        m_client->write(data);
}

void StreamRelay::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_client->state() != QAbstractSocket::UnconnectedState)
        m_client->disconnectFromHost();
    if (m_inner->state() != QAbstractSocket::UnconnectedState)
        m_inner->disconnectFromHost();
    Q_EMIT finished();
}

} // namespace clera::fake
