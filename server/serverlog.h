#pragma once

#include <QLoggingCategory>

// clera.server: start-up, REST, WebSocket hub. Never logs tokens or secrets.
Q_DECLARE_LOGGING_CATEGORY(lcServer)
