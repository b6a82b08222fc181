#pragma once

#include "httprouter.h"

#include <QJsonObject>

namespace clera {

// The OpenAPI 3.0 document of the REST API, built from the routes the router registered (so the
// document cannot list a route that does not exist, or miss one that does) and the schemas of their
// bodies. Served at GET /api/v1/openapi.json.
[[nodiscard]] QJsonObject openApiDocument(const QList<RouteSpec> &routes, const QString &version);

} // namespace clera
