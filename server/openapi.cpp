#include "openapi.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

QJsonObject ref(const QString &schema)
{
    return {{u"$ref"_s, QString(u"#/components/schemas/"_s + schema)}};
}

QJsonObject jsonContent(const QJsonObject &schema)
{
    return {{u"application/json"_s, QJsonObject{{u"schema"_s, schema}}}};
}

QJsonObject str(const QString &description = {}, const QString &format = {})
{
    QJsonObject s{{u"type"_s, u"string"_s}};
    if (!description.isEmpty())
        s.insert(u"description"_s, description);
    if (!format.isEmpty())
        s.insert(u"format"_s, format);
    return s;
}

QJsonObject nullableStr(const QString &description)
{
    QJsonObject s = str(description);
    s.insert(u"nullable"_s, true);
    return s;
}

QJsonObject object(const QJsonObject &properties, const QStringList &required)
{
    return {{u"type"_s, u"object"_s},
            {u"properties"_s, properties},
            {u"required"_s, QJsonArray::fromStringList(required)}};
}

QJsonObject schemas()
{
    const QJsonObject user =
        object({{u"id"_s, str()},
                {u"role"_s,
                 QJsonObject{{u"type"_s, u"string"_s}, {u"enum"_s, QJsonArray{u"user"_s, u"operator"_s}}}},
                {u"email_verified"_s, QJsonObject{{u"type"_s, u"boolean"_s}}}},
               {u"id"_s, u"role"_s, u"email_verified"_s});
    const QJsonObject boolean{{u"type"_s, u"boolean"_s}};
    const QJsonObject integer{{u"type"_s, u"integer"_s}};
    const QJsonObject ownedAccount =
        object({{u"id"_s, str()}, {u"broker"_s, str()}, {u"created_at"_s, str({}, u"date-time"_s)}},
               {u"id"_s, u"broker"_s, u"created_at"_s});
    return {
        {u"Error"_s,
         object({{u"error"_s, object({{u"code"_s, str(u"Stable machine code, e.g. invalid_credentials"_s)},
                                      {u"message"_s, str(u"Safe to show"_s)}},
                                     {u"code"_s, u"message"_s})}},
                {u"error"_s})},
        {u"Accepted"_s, object({{u"status"_s, str()}, {u"message"_s, str()}}, {u"status"_s, u"message"_s})},
        {u"Session"_s,
         object({{u"token_type"_s, str(u"Always Bearer"_s)},
                 {u"access_token"_s, str(u"HS256 JWT for the Authorization header"_s)},
                 {u"access_expires_at"_s, str({}, u"date-time"_s)},
                 {u"expires_in"_s, QJsonObject{{u"type"_s, u"integer"_s}, {u"description"_s, u"Seconds"_s}}},
                 {u"refresh_token"_s, str(u"Opaque, single use"_s)},
                 {u"refresh_expires_at"_s, str({}, u"date-time"_s)},
                 {u"session_id"_s, str()},
                 {u"user"_s, user}},
                {u"token_type"_s, u"access_token"_s, u"access_expires_at"_s, u"expires_in"_s,
                 u"refresh_token"_s, u"refresh_expires_at"_s, u"session_id"_s, u"user"_s})},
        {u"SignedOutEverywhere"_s,
         object({{u"revoked_sessions"_s, QJsonObject{{u"type"_s, u"integer"_s}}}}, {u"revoked_sessions"_s})},
        {u"EmailVerified"_s,
         object({{u"email_verified"_s, QJsonObject{{u"type"_s, u"boolean"_s}}}}, {u"email_verified"_s})},
        {u"Me"_s,
         object({{u"id"_s, str()},
                 {u"email"_s, str()},
                 {u"role"_s, str()},
                 {u"email_verified"_s, QJsonObject{{u"type"_s, u"boolean"_s}}},
                 {u"created_at"_s, str({}, u"date-time"_s)},
                 {u"accounts"_s, QJsonObject{{u"type"_s, u"array"_s},
                                             {u"items"_s, object({{u"id"_s, str()},
                                                                  {u"broker"_s, str()},
                                                                  {u"created_at"_s, str({}, u"date-time"_s)}},
                                                                 {u"id"_s, u"broker"_s, u"created_at"_s})}}}},
                {u"id"_s, u"email"_s, u"role"_s, u"email_verified"_s, u"created_at"_s, u"accounts"_s})},
        {u"Account"_s,
         object({{u"id"_s, str()},
                 {u"account_number"_s, str()},
                 {u"status"_s, str()},
                 {u"currency"_s, str()},
                 {u"cash"_s, str(u"Exact decimal"_s)},
                 {u"total_value"_s, nullableStr(u"Exact decimal; null when a price is unknown"_s)},
                 {u"today_return"_s, nullableStr(u"Exact decimal"_s)},
                 {u"today_return_percent"_s, nullableStr(u"Exact decimal, 4 places"_s)}},
                {u"id"_s, u"account_number"_s, u"status"_s, u"currency"_s, u"cash"_s})},
        {u"AccountList"_s, QJsonObject{{u"type"_s, u"array"_s}, {u"items"_s, ref(u"Account"_s)}}},
        {u"AssetList"_s,
         QJsonObject{{u"type"_s, u"array"_s},
                     {u"items"_s,
                      QJsonObject{{u"type"_s, u"object"_s}, {u"description"_s, u"Alpaca's Asset shape"_s}}}}},
        {u"Order"_s, QJsonObject{{u"type"_s, u"object"_s},
                                 {u"description"_s, u"Alpaca's Order shape; money and quantities are exact "
                                                    "decimal strings"_s}}},
        {u"OrderList"_s, QJsonObject{{u"type"_s, u"array"_s}, {u"items"_s, ref(u"Order"_s)}}},
        {u"PositionList"_s,
         QJsonObject{{u"type"_s, u"array"_s},
                     {u"items"_s, QJsonObject{{u"type"_s, u"object"_s},
                                              {u"description"_s, u"Alpaca's Position shape, exact decimal "
                                                                 "strings"_s}}}}},
        {u"ActivityPage"_s,
         object({{u"activities"_s,
                  QJsonObject{
                      {u"type"_s, u"array"_s},
                      {u"items"_s, QJsonObject{{u"type"_s, u"object"_s},
                                               {u"description"_s, u"Alpaca's activity shapes (FILL trade "
                                                                  "activities, CSD/CSW … non-trade), "
                                                                  "exact decimal strings"_s}}}}},
                 {u"next_page_token"_s,
                  nullableStr(u"Pass as page_token for the next page; null at the end"_s)}},
                {u"activities"_s, u"next_page_token"_s})},
        {u"PortfolioHistory"_s,
         object({{u"timeframe"_s, str(u"1Min, 5Min, 15Min, 1H or 1D"_s)},
                 {u"base_value"_s, nullableStr(u"Exact decimal: the first point's equity"_s)},
                 {u"base_value_asof"_s, nullableStr(u"Date of the base value"_s)},
                 {u"points"_s,
                  QJsonObject{{u"type"_s, u"array"_s},
                              {u"items"_s, object({{u"timestamp"_s, str({}, u"date-time"_s)},
                                                   {u"equity"_s, str(u"Exact decimal"_s)},
                                                   {u"profit_loss"_s, str(u"Exact decimal"_s)},
                                                   {u"profit_loss_pct"_s, nullableStr(u"Fraction"_s)}},
                                                  {u"timestamp"_s, u"equity"_s, u"profit_loss"_s})}}},
                 {u"cashflow"_s, QJsonObject{{u"type"_s, u"object"_s},
                                             {u"description"_s, u"Per asked activity type, amounts parallel "
                                                                "to points"_s}}}},
                {u"timeframe"_s, u"points"_s})},
        {u"AssetProfile"_s,
         QJsonObject{{u"type"_s, u"object"_s},
                     {u"description"_s, u"Alpaca's Asset shape plus type, sector, last_price and "
                                        "previous_close (exact decimals or null)"_s}}},
        {u"Watchlist"_s, object({{u"id"_s, str()},
                                 {u"name"_s, str()},
                                 {u"symbols"_s, QJsonObject{{u"type"_s, u"array"_s}, {u"items"_s, str()}}},
                                 {u"created_at"_s, str({}, u"date-time"_s)},
                                 {u"updated_at"_s, str({}, u"date-time"_s)}},
                                {u"id"_s, u"name"_s, u"symbols"_s, u"created_at"_s, u"updated_at"_s})},
        {u"WatchlistList"_s, QJsonObject{{u"type"_s, u"array"_s}, {u"items"_s, ref(u"Watchlist"_s)}}},
        {u"Health"_s, QJsonObject{{u"type"_s, u"object"_s}}},
        {u"AdminUser"_s,
         object({{u"id"_s, str()},
                 {u"email"_s, str()},
                 {u"role"_s, str()},
                 {u"email_verified"_s, boolean},
                 {u"disabled"_s, boolean},
                 {u"created_at"_s, str({}, u"date-time"_s)},
                 {u"accounts"_s, QJsonObject{{u"type"_s, u"array"_s}, {u"items"_s, ownedAccount}}},
                 {u"active_sessions"_s, integer}},
                {u"id"_s, u"email"_s, u"role"_s, u"email_verified"_s, u"disabled"_s, u"created_at"_s,
                 u"accounts"_s})},
        {u"AdminUserPage"_s,
         object({{u"users"_s, QJsonObject{{u"type"_s, u"array"_s}, {u"items"_s, ref(u"AdminUser"_s)}}},
                 {u"total"_s, integer},
                 {u"limit"_s, integer},
                 {u"offset"_s, integer}},
                {u"users"_s, u"total"_s, u"limit"_s, u"offset"_s})},
        {u"AdminSessionList"_s,
         object(
             {{u"user_id"_s, str()},
              {u"sessions"_s,
               QJsonObject{{u"type"_s, u"array"_s},
                           {u"items"_s, object({{u"id"_s, str()},
                                                {u"family_id"_s, str()},
                                                {u"created_at"_s, str({}, u"date-time"_s)},
                                                {u"expires_at"_s, str({}, u"date-time"_s)},
                                                {u"revoked_at"_s, nullableStr(u"date-time"_s)},
                                                {u"replaced_by"_s, nullableStr(u"The rotated-to session"_s)},
                                                {u"active"_s, boolean},
                                                {u"ip"_s, str()},
                                                {u"user_agent"_s, str()}},
                                               {u"id"_s, u"family_id"_s, u"created_at"_s, u"expires_at"_s,
                                                u"active"_s})}}}},
             {u"user_id"_s, u"sessions"_s})},
        {u"AdminAccountPage"_s,
         object({{u"accounts"_s,
                  QJsonObject{{u"type"_s, u"array"_s},
                              {u"items"_s, object({{u"id"_s, str()},
                                                   {u"broker"_s, str()},
                                                   {u"user_id"_s, str()},
                                                   {u"email"_s, str()},
                                                   {u"created_at"_s, str({}, u"date-time"_s)}},
                                                  {u"id"_s, u"broker"_s, u"user_id"_s, u"email"_s})}}},
                 {u"total"_s, integer},
                 {u"limit"_s, integer},
                 {u"offset"_s, integer}},
                {u"accounts"_s, u"total"_s, u"limit"_s, u"offset"_s})},
        {u"AdminAuditPage"_s,
         object(
             {{u"entries"_s,
               QJsonObject{{u"type"_s, u"array"_s},
                           {u"items"_s, object({{u"id"_s, integer},
                                                {u"at"_s, str({}, u"date-time"_s)},
                                                {u"actor"_s, str(u"User id, anonymous or system"_s)},
                                                {u"action"_s, str()},
                                                {u"subject"_s, str()},
                                                {u"ip"_s, str()},
                                                {u"result"_s, str(u"ok, denied or error"_s)},
                                                {u"details"_s, QJsonObject{{u"type"_s, u"object"_s}}}},
                                               {u"id"_s, u"at"_s, u"actor"_s, u"action"_s, u"result"_s})}}},
              {u"next_before_id"_s,
               QJsonObject{{u"type"_s, u"integer"_s},
                           {u"nullable"_s, true},
                           {u"description"_s, u"before_id of the next page; null at the end"_s}}}},
             {u"entries"_s, u"next_before_id"_s})},
        {u"AdminStatus"_s,
         QJsonObject{{u"type"_s, u"object"_s},
                     {u"description"_s, u"The Health object plus counts, websocket, password_hashing and "
                                        "store"_s}}},
        {u"OpenApi"_s, QJsonObject{{u"type"_s, u"object"_s}}},
    };
}

QString reason(int status)
{
    switch (status) {
    case 200:
        return u"OK"_s;
    case 202:
        return u"Accepted"_s;
    case 204:
        return u"No content"_s;
    case 400:
        return u"Malformed JSON, a field of the wrong type, or a value the rules refuse"_s;
    case 401:
        return u"Missing, invalid or expired credentials (WWW-Authenticate: Bearer)"_s;
    case 403:
        return u"Not allowed (e.g. account_disabled)"_s;
    case 404:
        return u"No such account or order (or not yours)"_s;
    case 405:
        return u"Known path, other method (Allow lists the methods)"_s;
    case 409:
        return u"Conflict (e.g. duplicate_client_order_id, idempotency_key_reused)"_s;
    case 422:
        return u"The broker refused the order (e.g. market_closed, not_tradable)"_s;
    case 503:
        return u"Not ready yet (e.g. reconciling orders at start-up); retry shortly"_s;
    case 413:
        return u"Body over 64 KiB"_s;
    case 415:
        return u"Body is not application/json"_s;
    case 429:
        return u"Rate limited (Retry-After says how many seconds to wait)"_s;
    case 500:
        return u"Internal error"_s;
    case 502:
        return u"The broker failed"_s;
    }
    return u"Error"_s;
}

QJsonObject operation(const RouteSpec &r)
{
    QJsonObject op{{u"operationId"_s, r.operationId}, {u"summary"_s, r.summary}};
    if (!r.tag.isEmpty())
        op.insert(u"tags"_s, QJsonArray{r.tag});
    if (r.bearer)
        op.insert(u"security"_s, QJsonArray{QJsonObject{{u"bearer"_s, QJsonArray()}}});
    else
        op.insert(u"security"_s, QJsonArray());
    QJsonArray parameters;
    for (const QString &name : HttpRouter::pathParameters(r.path))
        parameters.append(QJsonObject{
            {u"name"_s, name}, {u"in"_s, u"path"_s}, {u"required"_s, true}, {u"schema"_s, str()}});
    if (!parameters.isEmpty())
        op.insert(u"parameters"_s, parameters);
    const bool hasBody =
        r.method != QHttpServerRequest::Method::Get && r.method != QHttpServerRequest::Method::Delete;
    if (hasBody) {
        QJsonObject properties;
        QStringList required;
        for (const BodyField &f : r.body) {
            QJsonObject s = str(f.description);
            s.insert(u"maxLength"_s, f.maxLength);
            if (r.booleanFields.contains(f.name))
                s = QJsonObject{{u"type"_s, u"boolean"_s}, {u"description"_s, f.description}};
            properties.insert(f.name, s);
            if (f.required)
                required.append(f.name);
        }
        QJsonObject schema{
            {u"type"_s, u"object"_s}, {u"properties"_s, properties}, {u"additionalProperties"_s, false}};
        if (!required.isEmpty())
            schema.insert(u"required"_s, QJsonArray::fromStringList(required));
        op.insert(u"requestBody"_s,
                  QJsonObject{{u"required"_s, !required.isEmpty()}, {u"content"_s, jsonContent(schema)}});
    }
    QJsonObject responses;
    QJsonObject success{
        {u"description"_s, r.responseSummary.isEmpty() ? reason(r.status) : r.responseSummary}};
    if (r.status != 204)
        success.insert(u"content"_s,
                       jsonContent(r.responseSchema.isEmpty() ? QJsonObject{{u"type"_s, u"object"_s}}
                                                              : ref(r.responseSchema)));
    responses.insert(QString::number(r.status), success);
    QList<int> errors = r.errors;
    if (hasBody)
        errors += {400, 413, 415};
    if (r.bearer)
        errors += 401;
    errors += {405, 500};
    for (int status : std::as_const(errors))
        responses.insert(QString::number(status), QJsonObject{{u"description"_s, reason(status)},
                                                              {u"content"_s, jsonContent(ref(u"Error"_s))}});
    op.insert(u"responses"_s, responses);
    return op;
}

} // namespace

QJsonObject openApiDocument(const QList<RouteSpec> &routes, const QString &version)
{
    QJsonObject paths;
    for (const RouteSpec &r : routes) {
        QJsonObject item = paths.value(r.path).toObject();
        item.insert(HttpRouter::methodName(r.method).toLower(), operation(r));
        paths.insert(r.path, item);
    }
    return {
        {u"openapi"_s, u"3.0.3"_s},
        {u"info"_s,
         QJsonObject{{u"title"_s, u"Clera server API"_s},
                     {u"version"_s, version},
                     {u"description"_s, u"REST API of clera-server. Errors are "
                                        "{\"error\":{\"code\",\"message\"}} with a matching status; "
                                        "money and quantities are exact decimal strings."_s}}},
        {u"paths"_s, paths},
        {u"components"_s,
         QJsonObject{
             {u"schemas"_s, schemas()},
             {u"securitySchemes"_s, QJsonObject{{u"bearer"_s, QJsonObject{{u"type"_s, u"http"_s},
                                                                          {u"scheme"_s, u"bearer"_s},
                                                                          {u"bearerFormat"_s, u"JWT"_s}}}}}}},
    };
}

} // namespace clera
