#include "rolesupervisor.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace clera::bench {

namespace {

// Runs the event loop (the fakes live on it) until done() holds or timeoutMs passes.
bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    return true;
}

// One request on a fresh loopback connection, the answer read until the server closes; empty on failure.
QByteArray exchange(quint16 port, const QByteArray &request, int timeoutMs)
{
    QTcpSocket socket;
    QByteArray answer;
    bool over = false;
    QObject::connect(&socket, &QTcpSocket::connected, [&] { socket.write(request); });
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] {
        answer += socket.readAll();
        // An HTTP answer is complete at its Content-Length (the server may keep the connection open).
        const qsizetype head = answer.indexOf("\r\n\r\n");
        const qsizetype field = answer.toLower().indexOf("\r\ncontent-length:");
        if (head > 0 && field > 0 && field < head) {
            const qsizetype lineEnd = answer.indexOf("\r\n", field + 2);
            const qsizetype length = answer.mid(field + 17, lineEnd - field - 17).trimmed().toLongLong();
            over = answer.size() >= head + 4 + length;
        }
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, [&] { over = true; });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, [&](QAbstractSocket::SocketError e) {
        if (e != QAbstractSocket::RemoteHostClosedError)
            answer.clear();
        over = true;
    });
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!spinUntil([&] { return over; }, timeoutMs))
        return {};
    answer += socket.readAll();
    return answer;
}

} // namespace

RoleSupervisor::RoleSupervisor(QString workDir, QString logPrefix)
    : m_workDir(std::move(workDir)), m_logPrefix(std::move(logPrefix))
{}

RoleSupervisor::~RoleSupervisor()
{
    stopAll();
}

RoleProcess *RoleSupervisor::startRedis()
{
    const QString program = QStandardPaths::findExecutable(u"redis-server"_s);
    if (program.isEmpty()) {
        m_error = u"redis-server is not installed (installer/install-deps.sh installs it)"_s;
        return nullptr;
    }
    auto p = std::make_unique<RoleProcess>();
    p->name = u"redis-server"_s;
    p->healthPort = freePort();
    const QString dir = QDir(m_workDir).filePath(u"redis"_s);
    QDir().mkpath(dir);
    p->logFile = m_logPrefix.isEmpty() ? QDir(dir).filePath(u"redis.log"_s) : m_logPrefix + u".redis"_s;
    p->process.setStandardOutputFile(p->logFile);
    p->process.setStandardErrorFile(p->logFile, QIODevice::Append);
    p->process.start(program, {u"--port"_s, QString::number(p->healthPort), u"--bind"_s, u"127.0.0.1"_s,
                               u"--save"_s, u""_s, u"--appendonly"_s, u"no"_s, u"--dir"_s, dir,
                               u"--daemonize"_s, u"no"_s, u"--loglevel"_s, u"warning"_s});
    if (!p->process.waitForStarted(5000)) {
        m_error = u"redis-server did not start: "_s + p->process.errorString();
        return nullptr;
    }
    p->pid = p->process.processId();
    const quint16 port = p->healthPort;
    QElapsedTimer t;
    t.start();
    while (!exchange(port, "PING\r\nQUIT\r\n", 1000).startsWith("+PONG")) {
        if (p->process.state() != QProcess::Running || t.elapsed() > 10000) {
            m_error = describeExit(*p);
            return nullptr;
        }
        QThread::msleep(20);
    }
    m_processes.push_back(std::move(p));
    return m_processes.back().get();
}

RoleProcess *RoleSupervisor::startServer(const QString &binary, const QString &name, const QString &role,
                                         QProcessEnvironment env, bool servesClients)
{
    auto p = std::make_unique<RoleProcess>();
    p->name = name;
    p->role = role;
    const QString dir = QDir(m_workDir).filePath(QString(name).replace(u' ', u'-'));
    QDir().mkpath(dir);
    if (m_logPrefix.isEmpty())
        p->logFile = QDir(dir).filePath(u"server.log"_s);
    else // one process: the file itself, as before the roles
        p->logFile = role == u"all" ? m_logPrefix : m_logPrefix + u'.' + QString(name).replace(u' ', u'-');
    p->healthPort = freePort();
    p->wsPort = servesClients ? freePort() : 0;
    env.insert(u"CLERA_DATA_DIR"_s, dir);
    env.insert(u"CLERA_API_HOST"_s, u"127.0.0.1"_s);
    env.insert(u"CLERA_API_PORT"_s, QString::number(p->healthPort));
    env.insert(u"WEBSOCKET_HOST"_s, u"127.0.0.1"_s);
    env.insert(u"WEBSOCKET_PORT"_s, QString::number(p->wsPort ? p->wsPort : freePort()));
    p->process.setProcessEnvironment(env);
    p->process.setStandardOutputFile(QProcess::nullDevice());
    p->process.setStandardErrorFile(p->logFile);
    p->process.start(binary, role == u"all" ? QStringList{} : QStringList{u"--role"_s, role});
    if (!p->process.waitForStarted(10000)) {
        m_error = u"cannot start %1 (%2): %3"_s.arg(binary, name, p->process.errorString());
        return nullptr;
    }
    p->pid = p->process.processId();
    m_processes.push_back(std::move(p));
    return m_processes.back().get();
}

bool RoleSupervisor::waitUntilAnswering(int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    for (const auto &p : m_processes) {
        if (p->role.isEmpty())
            continue;
        while (health(p->healthPort, 1000).isEmpty()) {
            if (p->process.state() != QProcess::Running) {
                m_error = describeExit(*p);
                return false;
            }
            if (t.elapsed() > timeoutMs) {
                m_error = u"%1 does not answer GET /health on port %2 after %3 s"_s.arg(p->name)
                              .arg(p->healthPort)
                              .arg(timeoutMs / 1000);
                return false;
            }
            spinUntil([] { return false; }, 50);
        }
    }
    return true;
}

QString RoleSupervisor::exited() const
{
    for (const auto &p : m_processes)
        if (p->process.state() != QProcess::Running)
            return describeExit(*p);
    return {};
}

QString RoleSupervisor::describeExit(const RoleProcess &p) const
{
    QString text =
        p.process.state() == QProcess::Running
            ? u"%1 is running but not answering"_s.arg(p.name)
            : u"%1 exited (%2 %3)"_s
                  .arg(p.name, p.process.exitStatus() == QProcess::CrashExit ? u"crash"_s : u"code"_s)
                  .arg(p.process.exitCode());
    QFile log(p.logFile);
    if (log.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> lines = log.readAll().trimmed().split('\n');
        text += u"; the end of %1:"_s.arg(p.logFile);
        for (qsizetype i = std::max<qsizetype>(0, lines.size() - 8); i < lines.size(); ++i)
            text += u"\n    "_s + QString::fromUtf8(lines.at(i));
    }
    return text;
}

QJsonObject RoleSupervisor::health(quint16 port, int timeoutMs)
{
    const QByteArray answer =
        exchange(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeoutMs);
    const qsizetype body = answer.indexOf("\r\n\r\n");
    if (body < 0)
        return {};
    return QJsonDocument::fromJson(answer.mid(body + 4)).object();
}

std::vector<RoleProcess *> RoleSupervisor::serving() const
{
    std::vector<RoleProcess *> out;
    for (const auto &p : m_processes)
        if (p->wsPort != 0)
            out.push_back(p.get());
    return out;
}

void RoleSupervisor::stopAll()
{
    // The clera-server processes first, redis-server last, so that no role spends its exit reconnecting.
    for (const bool redis : {false, true}) {
        for (const auto &p : m_processes)
            if (p->role.isEmpty() == redis && p->process.state() != QProcess::NotRunning)
                p->process.terminate();
        for (const auto &p : m_processes) {
            if (p->role.isEmpty() != redis || p->process.state() == QProcess::NotRunning)
                continue;
            if (!p->process.waitForFinished(10000)) {
                p->process.kill();
                p->process.waitForFinished(3000);
            }
        }
    }
    m_processes.clear();
}

} // namespace clera::bench
