#pragma once

#include <QString>
#include <QUrl>

class QQmlApplicationEngine;
class QQuickWindow;

namespace clera {

class AppRoot;

// Loads the main window (qrc:/qt/qml/Clera/Main.qml) with the root's models as its required
// properties. Returns the window, or null with `error` set.
class MainWindowLoader
{
public:
    static constexpr QStringView kMainUrl = u"qrc:/qt/qml/Clera/Main.qml";

    [[nodiscard]] static QQuickWindow *load(QQmlApplicationEngine &engine, const AppRoot &root, QString *error);
};

} // namespace clera
