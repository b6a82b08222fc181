#include "redisserver.h"

#include <QDeadlineTimer>
#include <QLocalSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;

namespace clera::test {

RedisServer::RedisServer(QString password) : m_password(std::move(password)) {}

RedisServer::~RedisServer()
{
    stop();
}

bool RedisServer::start()
{
    const QString program = QStandardPaths::findExecutable(u"redis-server"_s);
    if (program.isEmpty()) {
        m_error = u"redis-server is not installed (installer/install-deps.sh installs it)"_s;
        return false;
    }
    if (m_port == 0) { // keep the port across restarts so clients find the same server
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0)) {
            m_error = u"no free loopback port"_s;
            return false;
        }
        m_port = probe.serverPort();
    }
    QStringList args{u"--port"_s, QString::number(m_port), u"--bind"_s, u"127.0.0.1"_s,
                     u"--unixsocket"_s, socketPath(), u"--unixsocketperm"_s, u"700"_s,
                     u"--save"_s, u""_s, u"--appendonly"_s, u"no"_s, u"--dir"_s, m_dir.path(),
                     u"--daemonize"_s, u"no"_s, u"--loglevel"_s, u"warning"_s};
    if (!m_password.isEmpty())
        args << u"--requirepass"_s << m_password;
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.setStandardOutputFile(QProcess::nullDevice());
    m_process.start(program, args);
    if (!m_process.waitForStarted(5000)) {
        m_error = u"redis-server did not start: "_s + m_process.errorString();
        return false;
    }
    const QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired()) {
        QLocalSocket probe;
        probe.connectToServer(socketPath());
        if (probe.waitForConnected(100))
            return true;
        if (m_process.state() != QProcess::Running) {
            m_error = u"redis-server exited with code %1"_s.arg(m_process.exitCode());
            return false;
        }
        QTest::qWait(20);
    }
    m_error = u"redis-server did not accept connections within 10 s"_s;
    return false;
}

void RedisServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

} // namespace clera::test
