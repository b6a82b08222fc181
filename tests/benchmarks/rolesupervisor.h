#pragma once

// The processes a benchmark run starts and watches: a private redis-server (no persistence) and
// clera-server processes, one per role, each with its own data folder, health port and log file. It
// waits for each to answer, notices one that exits early (with the tail of its log), reads their /proc
// statistics, and stops them all (SIGTERM, then SIGKILL) when it goes.

#include "benchsupport.h"

#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>

#include <memory>
#include <vector>

namespace clera::bench {

struct RoleProcess
{
    QString name;           // "all", "collector", "websocket 1", "redis-server", …
    QString role;           // the --role, empty for redis-server
    QString logFile;        // its standard error
    quint16 healthPort = 0; // CLERA_API_PORT (or redis-server's port)
    quint16 wsPort = 0;     // WEBSOCKET_PORT of the roles that serve clients
    QProcess process;
    qint64 pid = 0;
};

class RoleSupervisor
{
public:
    // Logs go to logPrefix + "." + name when logPrefix is set (logPrefix itself for the role all), else
    // into workDir.
    RoleSupervisor(QString workDir, QString logPrefix);
    ~RoleSupervisor();
    RoleSupervisor(const RoleSupervisor &) = delete;
    RoleSupervisor &operator=(const RoleSupervisor &) = delete;

    // A redis-server on a free loopback port, without persistence; null (with error()) when it cannot
    // start or does not answer PING within 10 s.
    RoleProcess *startRedis();
    // clera-server --role <role>, in <workDir>/<name> with env plus CLERA_DATA_DIR and the ports.
    RoleProcess *startServer(const QString &binary, const QString &name, const QString &role,
                             QProcessEnvironment env, bool servesClients);
    // Until every clera-server answers GET /health; false (with error()) when one exits or times out.
    bool waitUntilAnswering(int timeoutMs);
    // The first process that is no longer running, with why (and its log's tail); empty while all run.
    [[nodiscard]] QString exited() const;

    // GET /health of a role, or an empty object when it does not answer within timeoutMs.
    static QJsonObject health(quint16 port, int timeoutMs = 3000);

    [[nodiscard]] const std::vector<std::unique_ptr<RoleProcess>> &processes() const { return m_processes; }
    [[nodiscard]] std::vector<RoleProcess *> serving() const; // the processes clients connect to
    [[nodiscard]] QString error() const { return m_error; }
    void stopAll();

private:
    [[nodiscard]] QString describeExit(const RoleProcess &p) const;

    QString m_workDir;
    QString m_logPrefix;
    std::vector<std::unique_ptr<RoleProcess>> m_processes;
    QString m_error;
};

} // namespace clera::bench
