#pragma once

// The app's QML modules are static libraries; every executable that loads them (the app, its tests)
// includes this once so the linker keeps their plugins.

#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(CleraModelsPlugin)
Q_IMPORT_QML_PLUGIN(CleraUiPlugin)
Q_IMPORT_QML_PLUGIN(CleraDashboardPlugin)
Q_IMPORT_QML_PLUGIN(CleraPlugin)
