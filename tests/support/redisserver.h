#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace clera::test {

// A real redis-server for one test: its own temporary folder, a Unix socket and a loopback TCP port,
// no persistence. Stopped (and killed if need be) by the destructor.
class RedisServer
{
public:
    explicit RedisServer(QString password = {});
    ~RedisServer();

    // Starts and waits until it accepts connections; false (with error()) when it cannot.
    [[nodiscard]] bool start();
    void stop();
    [[nodiscard]] bool isRunning() const { return m_process.state() == QProcess::Running; }

    [[nodiscard]] QString socketPath() const { return m_dir.filePath(QStringLiteral("redis.sock")); }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QString error() const { return m_error; }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_password;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace clera::test
