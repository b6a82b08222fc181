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

QJsonObject array(const QJsonObject &items, const QString &description = {})
{
    QJsonObject a{{u"type"_s, u"array"_s}, {u"items"_s, items}};
    if (!description.isEmpty())
        a.insert(u"description"_s, description);
    return a;
}

QJsonObject boolean(const QString &description = {})
{
    QJsonObject b{{u"type"_s, u"boolean"_s}};
    if (!description.isEmpty())
        b.insert(u"description"_s, description);
    return b;
}

QJsonObject strictObject(const QJsonObject &properties, const QStringList &required)
{
    QJsonObject o = object(properties, required);
    o.insert(u"additionalProperties"_s, false);
    return o;
}

// The onboarding steps (Alpaca's wire names, reference §3.1); the rules are in docs/api.md.
QJsonObject onboardingSchemas()
{
    const QJsonObject lines = array(str(), u"1 to 3 lines"_s);
    const QJsonObject amount = str(u"Exact decimal, e.g. \"50000\" (a whole JSON number is accepted)"_s);
    const QJsonObject trusted = strictObject(
        {{u"given_name"_s, str()}, {u"family_name"_s, str()}, {u"email_address"_s, str()},
         {u"phone_number"_s, str()}, {u"street_address"_s, lines}, {u"city"_s, str()}, {u"state"_s, str()},
         {u"postal_code"_s, str()}, {u"country"_s, str(u"ISO 3166-1 alpha-3"_s)}},
        {u"given_name"_s, u"family_name"_s});
    const QJsonObject context = strictObject(
        {{u"context_type"_s, str(u"CONTROLLED_FIRM | AFFILIATE_FIRM | IMMEDIATE_FAMILY_EXPOSED"_s)},
         {u"company_name"_s, str()}, {u"company_street_address"_s, lines}, {u"company_city"_s, str()},
         {u"company_state"_s, str()}, {u"company_country"_s, str()}, {u"company_compliance_email"_s, str()},
         {u"given_name"_s, str()}, {u"family_name"_s, str()}},
        {u"context_type"_s});
    const QJsonObject document = strictObject(
        {{u"document_type"_s, str(u"e.g. account_approval_letter (the affiliation letter)"_s)},
         {u"document_sub_type"_s, str()},
         {u"content"_s, str(u"The file, base64 (at most 10 MB decoded)"_s, u"byte"_s)},
         {u"content_data"_s, QJsonObject{{u"type"_s, u"object"_s}}},
         {u"mime_type"_s, str(u"application/pdf | image/png | image/jpeg | application/json"_s)}},
        {u"document_type"_s, u"mime_type"_s});
    const QJsonObject agreement = strictObject(
        {{u"agreement"_s, str(u"customer_agreement | account_agreement | margin_agreement | crypto_agreement | "
                              "options_agreement | custodial_customer_agreement"_s)},
         {u"revision"_s, str()}},
        {u"agreement"_s});
    const QJsonObject savedAgreement =
        object({{u"agreement"_s, str()}, {u"revision"_s, str()},
                {u"signed_at"_s, str(u"When the server received it"_s, u"date-time"_s)},
                {u"ip_address"_s, str(u"The client's address as the server saw it"_s)}},
               {u"agreement"_s, u"signed_at"_s, u"ip_address"_s});
    const QJsonObject fieldErrors = array(ref(u"FieldError"_s));
    return {
        {u"OnboardingContact"_s,
         strictObject({{u"email_address"_s, str()},
                       {u"phone_number"_s, str(u"With the country code, e.g. +14155550142"_s)},
                       {u"street_address"_s, lines},
                       {u"unit"_s, str()},
                       {u"city"_s, str()},
                       {u"state"_s, str(u"Required for US residents"_s)},
                       {u"postal_code"_s, str(u"Required (a ZIP code) in the USA"_s)},
                       {u"country"_s, str(u"ISO 3166-1 alpha-3"_s)},
                       {u"trusted_contact"_s, trusted}},
                      {u"email_address"_s, u"phone_number"_s, u"street_address"_s, u"city"_s, u"country"_s})},
        {u"OnboardingIdentity"_s,
         strictObject({{u"given_name"_s, str()},
                       {u"middle_name"_s, str()},
                       {u"family_name"_s, str()},
                       {u"date_of_birth"_s, str(u"YYYY-MM-DD; stored encrypted"_s, u"date"_s)},
                       {u"tax_id"_s, str(u"Write-only, stored encrypted; omit to keep the one on file"_s)},
                       {u"tax_id_type"_s, str(u"e.g. USA_SSN, PASSPORT, NATIONAL_ID"_s)},
                       {u"country_of_citizenship"_s, str()},
                       {u"country_of_birth"_s, str()},
                       {u"country_of_tax_residence"_s, str()},
                       {u"permanent_resident"_s, boolean()},
                       {u"visa_type"_s, str(u"Non-US citizens living in the US who are not permanent residents"_s)},
                       {u"visa_expiration_date"_s, str({}, u"date"_s)},
                       {u"date_of_departure_from_usa"_s, str(u"B1/B2 visas"_s, u"date"_s)}},
                      {u"given_name"_s, u"family_name"_s, u"date_of_birth"_s, u"tax_id_type"_s,
                       u"country_of_citizenship"_s, u"country_of_tax_residence"_s})},
        {u"OnboardingEmployment"_s,
         strictObject({{u"employment_status"_s, str(u"employed | unemployed | student | retired"_s)},
                       {u"employer_name"_s, str(u"Required when employed"_s)},
                       {u"employer_address"_s, str()},
                       {u"employment_position"_s, str(u"Required when employed"_s)},
                       {u"funding_source"_s, array(str(u"employment_income | investments | inheritance | "
                                                        "business_income | savings | family"_s))},
                       {u"annual_income_min"_s, amount},
                       {u"annual_income_max"_s, amount},
                       {u"liquid_net_worth_min"_s, amount},
                       {u"liquid_net_worth_max"_s, amount},
                       {u"total_net_worth_min"_s, amount},
                       {u"total_net_worth_max"_s, amount}},
                      {u"employment_status"_s, u"funding_source"_s})},
        {u"OnboardingDisclosures"_s,
         strictObject({{u"is_control_person"_s, boolean()},
                       {u"is_affiliated_exchange_or_finra"_s, boolean(u"true needs an AFFILIATE_FIRM context and "
                                                                       "the affiliation letter document"_s)},
                       {u"is_politically_exposed"_s, boolean()},
                       {u"immediate_family_exposed"_s, boolean()},
                       {u"context"_s, array(context)},
                       {u"documents"_s, array(document)}},
                      {u"is_control_person"_s, u"is_affiliated_exchange_or_finra"_s, u"is_politically_exposed"_s,
                       u"immediate_family_exposed"_s})},
        {u"OnboardingAgreements"_s,
         strictObject({{u"agreements"_s, array(agreement, u"signed_at and ip_address are set by the server"_s)},
                       {u"enabled_assets"_s, array(str(u"us_equity | crypto | us_option"_s))},
                       {u"account_type"_s, str(u"trading (default) | custodial | donor_advised | ira | hsa"_s)},
                       {u"account_sub_type"_s, str(u"IRA only: traditional | roth"_s)},
                       {u"currency"_s, str(u"USD (default) or a local currency"_s)}},
                      {u"agreements"_s})},
        {u"Onboarding"_s,
         object({{u"state"_s,
                  QJsonObject{{u"type"_s, u"string"_s},
                              {u"enum"_s, QJsonArray{u"draft"_s, u"submitting"_s, u"submitted"_s,
                                                     u"action_required"_s, u"approved"_s, u"rejected"_s,
                                                     u"active"_s, u"closed"_s}}}},
                 {u"status_message"_s, str(u"The state in plain words, for the user"_s)},
                 {u"broker"_s, str(u"sim or alpaca"_s)},
                 {u"paper"_s, boolean(u"True at the simulated broker: no real money"_s)},
                 {u"broker_account_id"_s, nullableStr(u"Once submitted"_s)},
                 {u"broker_status"_s, nullableStr(u"The broker's own status, e.g. APPROVAL_PENDING"_s)},
                 {u"editable"_s, boolean(u"Steps can be saved (draft only)"_s)},
                 {u"can_submit"_s, boolean()},
                 {u"steps"_s, object({{u"contact"_s, ref(u"OnboardingContact"_s)},
                                      {u"identity"_s, QJsonObject{{u"type"_s, u"object"_s},
                                                                  {u"description"_s, u"As saved, without tax_id; "
                                                                                     "tax_id_last4 instead"_s}}},
                                      {u"employment"_s, ref(u"OnboardingEmployment"_s)},
                                      {u"disclosures"_s, ref(u"OnboardingDisclosures"_s)},
                                      {u"agreements"_s, object({{u"agreements"_s, array(savedAgreement)}}, {})}},
                                     {})},
                 {u"completed_steps"_s, array(str())},
                 {u"remaining_steps"_s, array(str())},
                 {u"errors"_s, fieldErrors},
                 {u"last_error"_s, QJsonObject{{u"type"_s, u"object"_s}, {u"nullable"_s, true},
                                               {u"description"_s, u"Why the last submission did not go through"_s}}},
                 {u"submitted_at"_s, nullableStr(u"RFC 3339"_s)},
                 {u"updated_at"_s, nullableStr(u"RFC 3339"_s)}},
                {u"state"_s, u"status_message"_s, u"broker"_s, u"paper"_s, u"editable"_s, u"can_submit"_s,
                 u"steps"_s, u"completed_steps"_s, u"remaining_steps"_s, u"errors"_s})},
    };
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
    QJsonObject all{
        {u"Error"_s,
         object({{u"error"_s,
                  object({{u"code"_s, str(u"Stable machine code, e.g. invalid_credentials"_s)},
                          {u"message"_s, str(u"Safe to show"_s)},
                          {u"fields"_s, array(ref(u"FieldError"_s),
                                              u"validation_failed only: every field that needs attention"_s)}},
                         {u"code"_s, u"message"_s})}},
                {u"error"_s})},
        {u"FieldError"_s,
         object({{u"field"_s, str(u"Path in the step's JSON, e.g. identity.visa_type"_s)},
                 {u"message"_s, str(u"Safe to show; never the value"_s)}},
                {u"field"_s, u"message"_s})},
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
                 {u"today_return_percent"_s, nullableStr(u"Exact decimal, 4 places"_s)},
                 {u"value_unavailable_reason"_s,
                  nullableStr(u"Null when the live values are there; else no_value_yet, "
                              "live_values_unavailable (Redis cannot be read) or invalid_stored_value"_s)}},
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
        {u"OrderWarning"_s,
         object({{u"code"_s, str(u"market_closed, extended_hours, market_hours_unknown, large_order, "
                                 "fractional, buying_power_unknown, may_exceed_buying_power or price_unknown"_s)},
                 {u"message"_s, str(u"Safe to show"_s)}},
                {u"code"_s, u"message"_s})},
        {u"PlacedOrder"_s,
         QJsonObject{{u"type"_s, u"object"_s},
                     {u"description"_s, u"Alpaca's Order shape (exact decimal strings) plus `warnings`"_s},
                     {u"properties"_s,
                      QJsonObject{{u"warnings"_s, array(ref(u"OrderWarning"_s),
                                                        u"Found before the order was sent; empty for an "
                                                        "idempotent replay"_s)}}},
                     {u"required"_s, QJsonArray{u"warnings"_s}}}},
        {u"MarketClock"_s,
         object({{u"timestamp"_s, str(u"New York time"_s, u"date-time"_s)},
                 {u"is_open"_s, boolean},
                 {u"next_open"_s, str(u"New York time"_s, u"date-time"_s)},
                 {u"next_close"_s, str(u"New York time"_s, u"date-time"_s)}},
                {u"timestamp"_s, u"is_open"_s, u"next_open"_s, u"next_close"_s})},
        {u"OrderPreview"_s,
         object({{u"symbol"_s, str()},
                 {u"side"_s, str()},
                 {u"type"_s, str()},
                 {u"time_in_force"_s, str()},
                 {u"qty"_s, nullableStr(u"Exact decimal"_s)},
                 {u"notional"_s, nullableStr(u"Exact decimal"_s)},
                 {u"extended_hours"_s, boolean},
                 {u"estimated_price"_s, nullableStr(u"The price the estimate uses"_s)},
                 {u"price_source"_s, nullableStr(u"limit_price, stop_price or last_price"_s)},
                 {u"estimated_cost"_s, nullableStr(u"Dollars; null when no price is known"_s)},
                 {u"buying_power"_s, nullableStr(u"Before the order; null when the account cannot be read"_s)},
                 {u"buying_power_after"_s,
                  nullableStr(u"A buy: before minus the estimate; a sell: unchanged"_s)},
                 {u"market"_s, QJsonObject{{u"allOf"_s, QJsonArray{ref(u"MarketClock"_s)}},
                                           {u"nullable"_s, true},
                                           {u"description"_s, u"null when the clock cannot be read"_s}}},
                 {u"warnings"_s, array(ref(u"OrderWarning"_s), u"Everything the user should know"_s)}},
                {u"symbol"_s, u"side"_s, u"type"_s, u"time_in_force"_s, u"estimated_cost"_s,
                 u"buying_power"_s, u"buying_power_after"_s, u"market"_s, u"warnings"_s})},
        {u"PositionList"_s,
         QJsonObject{{u"type"_s, u"array"_s},
                     {u"items"_s, QJsonObject{{u"type"_s, u"object"_s},
                                              {u"description"_s, u"Alpaca's Position shape, exact decimal "
                                                                 "strings"_s}}}}},
        {u"BankLink"_s,
         object({{u"id"_s, str()},
                 {u"account_id"_s, str()},
                 {u"method"_s, str(u"manual or plaid"_s)},
                 {u"account_owner_name"_s, str()},
                 {u"bank_account_type"_s, str(u"CHECKING, SAVINGS, or empty for Plaid"_s)},
                 {u"account_last4"_s, str(u"The only digits of the account number kept"_s)},
                 {u"bank_routing_number"_s, str()},
                 {u"nickname"_s, str()},
                 {u"status"_s, str(u"The broker's: QUEUED, APPROVED, …"_s)},
                 {u"created_at"_s, str({}, u"date-time"_s)}},
                {u"id"_s, u"account_id"_s, u"method"_s, u"account_last4"_s, u"status"_s, u"created_at"_s})},
        {u"BankLinkList"_s, QJsonObject{{u"type"_s, u"array"_s}, {u"items"_s, ref(u"BankLink"_s)}}},
        {u"Transfer"_s,
         object({{u"id"_s, str()},
                 {u"account_id"_s, str()},
                 {u"link_id"_s, str()},
                 {u"direction"_s, str(u"INCOMING or OUTGOING"_s)},
                 {u"amount"_s, str(u"Exact decimal, 2 places"_s)},
                 {u"idempotency_key"_s, str()},
                 {u"state"_s, str(u"pending, submitted, rejected, unknown or not_sent"_s)},
                 {u"status"_s, str(u"The broker's: QUEUED, SENT_TO_CLEARING, COMPLETE, …"_s)},
                 {u"broker_transfer_id"_s, nullableStr(u"Set once the broker has it"_s)},
                 {u"created_at"_s, str({}, u"date-time"_s)},
                 {u"updated_at"_s, str({}, u"date-time"_s)}},
                {u"id"_s, u"account_id"_s, u"link_id"_s, u"direction"_s, u"amount"_s, u"state"_s, u"status"_s,
                 u"created_at"_s})},
        {u"TransferList"_s, QJsonObject{{u"type"_s, u"array"_s}, {u"items"_s, ref(u"Transfer"_s)}}},
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
    const QJsonObject onboarding = onboardingSchemas();
    for (auto it = onboarding.constBegin(); it != onboarding.constEnd(); ++it)
        all.insert(it.key(), it.value());
    return all;
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
        return u"Conflict (e.g. duplicate_client_order_id, idempotency_key_reused, application_submitted)"_s;
    case 422:
        return u"The broker refused the request (e.g. market_closed, not_tradable, application_refused)"_s;
    case 503:
        return u"Not ready yet (e.g. reconciling orders at start-up); retry shortly"_s;
    case 413:
        return u"Body over the size limit (64 KiB unless x-max-body-bytes says otherwise)"_s;
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
    if (hasBody && !r.requestSchema.isEmpty()) {
        op.insert(u"requestBody"_s,
                  QJsonObject{{u"required"_s, true}, {u"content"_s, jsonContent(ref(r.requestSchema))}});
        if (r.maxBodyBytes > 0)
            op.insert(u"x-max-body-bytes"_s, qint64(r.maxBodyBytes));
    } else if (hasBody) {
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
