#include "mainwindowloader.h"

#include "approot.h"
#include "portfoliomodel.h"
#include "positionsmodel.h"
#include "positionsproxymodel.h"

#include <QQmlApplicationEngine>
#include <QQuickWindow>

using namespace Qt::StringLiterals;

namespace clera {

QQuickWindow *MainWindowLoader::load(QQmlApplicationEngine &engine, const AppRoot &root, QString *error)
{
    engine.addImportPath(u"qrc:/qt/qml"_s);
    engine.setInitialProperties({
        {u"portfolio"_s, QVariant::fromValue(root.portfolio())},
        {u"positions"_s, QVariant::fromValue(root.sortedPositions())},
        {u"holdings"_s, QVariant::fromValue(root.positions())},
    });
    engine.load(QUrl(kMainUrl.toString()));
    const QList<QObject *> roots = engine.rootObjects();
    auto *window = roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.constFirst());
    if (!window && error)
        *error = u"cannot load %1"_s.arg(kMainUrl);
    return window;
}

} // namespace clera
