#pragma once

#include <QCommandLineParser>
#include <QString>

namespace clera {

class Config;

// The one-shot commands of clera-server besides running it. Each returns the process exit code
// (0 ok, 1 runtime failure, 2 bad setting or usage).
namespace ServerCommands {

// `token <user_id> [--role r]`: prints an access token for the user.
[[nodiscard]] int printToken(const QCommandLineParser &parser, const Config &config, const QString &userId);

// `watch <user_id> [--account id] [--count n]`: connects to this machine's WebSocket port as the user
// and prints every message as one JSON line, until `count` portfolio updates arrived (0: forever)
// or the server closes the connection.
[[nodiscard]] int watch(const QCommandLineParser &parser, const Config &config, const QString &userId);

// `set-role <user> <user|operator>`: the local administrator (whoever can read the data folder and the
// store) gives a user of the store a role, e.g. the first operator of a server that runs without demo
// data. Audited with the actor "cli".
[[nodiscard]] int setRole(const Config &config, const QString &user, const QString &role);

} // namespace ServerCommands

} // namespace clera
