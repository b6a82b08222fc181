#pragma once

#include "core/domain/expected.h"

#include <QCommandLineParser>
#include <QHash>
#include <QProcessEnvironment>
#include <QString>

#include <chrono>

namespace clera {

// Settings by their documented names (CLERA_API_PORT, MIN_UPDATE_INTERVAL, …). Precedence: command
// line, then environment, then the config file (NAME=value lines, `#` comments; path from --config or
// CLERA_CONFIG), then the built-in default.
class Config
{
public:
    enum Scope : quint8 { Server = 1, App = 2, Both = 3 };
    struct Setting
    {
        QString name;         // environment / config-file name
        QString flag;         // command-line long option, without "--"
        QString valueName;
        QString description;
        QString defaultValue; // empty: no default
        Scope scope = Both;
        bool secret = false;  // never printed
    };

    [[nodiscard]] static const QList<Setting> &settings();
    // Adds --config and the flag of every setting in `scope` to the parser.
    static void addOptions(QCommandLineParser &parser, Scope scope);
    // Resolves every setting after parser.process(); fails on an unreadable or malformed config file.
    [[nodiscard]] static Expected<Config, QString> resolve(const QCommandLineParser &parser, Scope scope,
                                                           const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());

    [[nodiscard]] QString value(const QString &name) const { return m_values.value(name); }
    [[nodiscard]] bool isSet(const QString &name) const { return !m_values.value(name).isEmpty(); }
    // "command line", "environment", "config file" or "default".
    [[nodiscard]] QString source(const QString &name) const { return m_sources.value(name); }
    void set(const QString &name, const QString &value, const QString &source = QStringLiteral("override"));

    [[nodiscard]] Expected<quint16, QString> port(const QString &name) const; // 0–65535
    [[nodiscard]] Expected<qint64, QString> integer(const QString &name, qint64 min, qint64 max) const;
    // A duration given in (decimal) seconds: "2", "0.25".
    [[nodiscard]] Expected<std::chrono::milliseconds, QString> seconds(const QString &name) const;
    // The data folder, created 0700 if missing.
    [[nodiscard]] Expected<QString, QString> dataDir() const;

    // "NAME=value (source)" lines for start-up logs; secrets are shown as "(set)".
    [[nodiscard]] QStringList describe(Scope scope) const;

private:
    QHash<QString, QString> m_values;
    QHash<QString, QString> m_sources;
};

} // namespace clera
