#pragma once

// Payloads written from the examples and field tables of shared/reference/alpaca-api.md.

#include <QByteArray>

namespace clera::test::payloads {

// §3.2 Broker Account object: onboarding data, no balances.
inline const QByteArray brokerAccount =
    R"({"id": "7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a", "account_number": "904112233",
 "status": "SUBMITTED", "crypto_status": "INACTIVE", "currency": "USD", "last_equity": "0",
 "created_at": "2026-01-05T15:04:07.118233Z", "account_type": "trading", "kyc_results": null,
 "contact": {"email_address": "pat.lee@example.org", "phone_number": "+14155550142",
             "street_address": ["100 Pine St"], "city": "Austin", "state": "TX", "postal_code": "73301"},
 "identity": {"given_name": "Pat", "family_name": "Lee", "date_of_birth": "1988-04-12",
              "tax_id_type": "USA_SSN", "country_of_tax_residence": "USA", "funding_source": ["savings"],
              "visa_type": null, "visa_expiration_date": null, "date_of_departure_from_usa": null,
              "permanent_resident": null},
 "disclosures": {"is_control_person": false, "is_affiliated_exchange_or_finra": false,
                 "is_politically_exposed": false, "immediate_family_exposed": false, "is_discretionary": false},
 "agreements": [{"agreement": "customer_agreement", "signed_at": "2026-01-05T15:04:05Z",
                 "ip_address": "203.0.113.7", "revision": "19.2022.02"}],
 "trusted_contact": null, "trading_configurations": null, "enabled_assets": ["us_equity"]})";

// §3.4 trading account, every decimal a string.
inline const QByteArray tradeAccount =
    R"({"id": "7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a", "account_number": "904112233",
 "status": "ACTIVE", "crypto_status": "INACTIVE", "currency": "USD",
 "buying_power": "2065.10", "regt_buying_power": "2065.10", "daytrading_buying_power": "0",
 "non_marginable_buying_power": "1032.55", "options_buying_power": "1032.55",
 "cash": "1032.55", "cash_withdrawable": "1032.55", "cash_transferable": "1000.00",
 "accrued_fees": "0", "pending_transfer_in": "0", "pending_transfer_out": "0",
 "portfolio_value": "2057.55", "equity": "2057.55", "last_equity": "2050.10",
 "long_market_value": "1025.00", "short_market_value": "0",
 "initial_margin": "512.50", "maintenance_margin": "307.50", "last_maintenance_margin": "306.00", "sma": "0",
 "multiplier": "2", "pattern_day_trader": false, "daytrade_count": 0, "last_daytrade_count": 0,
 "last_daytrading_buying_power": "0",
 "trading_blocked": false, "transfers_blocked": false, "account_blocked": false,
 "trade_suspended_by_user": false, "shorting_enabled": true,
 "created_at": "2026-01-05T15:04:07.118233Z", "previous_close": "2026-01-02T16:00:00-05:00",
 "last_long_market_value": "1020.00", "last_short_market_value": "0", "last_cash": "1032.55",
 "last_initial_margin": "510.00", "last_regt_buying_power": "2060.10", "last_buying_power": "2060.10",
 "clearing_broker": "VELOX", "options_approved_level": 0, "options_trading_level": 0})";

// A new account before approval: empty account number, only the required fields.
inline const QByteArray minimalTradeAccount = R"({"id": "7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a",
 "account_number": null, "status": "SUBMITTED", "currency": "USD",
 "created_at": "2026-01-05T15:04:07.118233Z",
 "last_equity": 0, "equity": 0, "cash": 0, "buying_power": 0})";

// §3.5 Position example.
inline const QByteArray position =
    R"({"asset_id": "5c1d7e2a-0b3f-4a61-9e27-6c4d8f1a2b3c", "symbol": "MSFT", "exchange": "NASDAQ",
 "asset_class": "us_equity", "asset_marginable": true, "qty": "2.5", "qty_available": "2.5",
 "avg_entry_price": "400.00", "side": "long", "market_value": "1025.00", "cost_basis": "1000.00",
 "unrealized_pl": "25.00", "unrealized_plpc": "0.025", "unrealized_intraday_pl": "5.00",
 "unrealized_intraday_plpc": "0.0049", "current_price": "410.00", "lastday_price": "408.00",
 "change_today": "0.0049"})";

// A short crypto position as a fixture with bare numbers and LCT extras.
inline const QByteArray shortPosition =
    R"({"asset_id": "64bbff51-59d6-4b3c-9351-13ad85e3c752", "symbol": "BTC/USD",
 "exchange": "CRYPTO", "asset_class": "crypto", "qty": -0.38962051, "avg_entry_price": 97123.5,
 "side": "short", "market_value": null, "cost_basis": -37841.93, "unrealized_pl": null,
 "current_price": 97200, "swap_rate": "1", "usd": {"market_value": "1"}})";

// §3.6 Order example: a notional market order waiting outside market hours.
inline const QByteArray order =
    R"({"id": "c0ffee00-1234-4abc-9def-0123456789ab", "client_order_id": "app-9f2e7c",
 "created_at": "2026-01-06T14:31:02.51874Z", "updated_at": "2026-01-06T14:31:02.55102Z",
 "submitted_at": "2026-01-06T14:31:02.50922Z", "filled_at": null, "expired_at": null,
 "canceled_at": null, "failed_at": null, "replaced_at": null, "replaced_by": null, "replaces": null,
 "asset_id": "5c1d7e2a-0b3f-4a61-9e27-6c4d8f1a2b3c", "symbol": "MSFT", "asset_class": "us_equity",
 "notional": "50", "qty": null, "filled_qty": "0", "filled_avg_price": null,
 "order_class": "simple", "order_type": "market", "type": "market", "side": "buy",
 "position_intent": "buy_to_open", "time_in_force": "day", "limit_price": null, "stop_price": null,
 "status": "accepted", "extended_hours": false, "legs": null, "trail_percent": null,
 "trail_price": null, "hwm": null, "commission": "0"})";

// A filled limit order from a fixture that uses numbers ("qty": 1, "commission": 1.25) and omits nulls.
inline const QByteArray filledLimitOrder = R"({"id": "61e69015-8549-4bfd-b9c3-01e75843f47d",
 "client_order_id": "eb9e2aaa-f71a-4f51-b5b4-52a6c565dad4",
 "created_at": "2021-03-16T18:38:01.942282Z", "updated_at": "2021-03-16T18:38:01.942282Z",
 "submitted_at": "2021-03-16T18:38:01.937734Z", "filled_at": "2021-03-16T18:38:02.208Z",
 "asset_id": "b0b6dd9d-8b9b-48a9-ba46-b9d54906e415", "symbol": "AAPL", "asset_class": "us_equity",
 "qty": 1, "filled_qty": 1, "filled_avg_price": 120.5, "order_class": "", "order_type": "limit",
 "type": "limit", "side": "sell", "time_in_force": "gtc", "limit_price": 120.5, "status": "filled",
 "extended_hours": true, "commission": 1.25})";

// A bracket order with nested legs (GET …/orders?nested=true).
inline const QByteArray bracketOrder =
    R"({"id": "b1a2c3d4-0000-4000-8000-000000000001", "client_order_id": "bracket-1",
 "created_at": "2026-01-06T14:31:02Z", "updated_at": null, "submitted_at": "2026-01-06T14:31:02.1Z",
 "filled_at": null, "expired_at": null, "canceled_at": null, "failed_at": null, "replaced_at": null,
 "replaced_by": null, "replaces": null, "asset_id": "5c1d7e2a-0b3f-4a61-9e27-6c4d8f1a2b3c",
 "symbol": "MSFT", "asset_class": "us_equity", "notional": null, "qty": "10", "filled_qty": "0",
 "filled_avg_price": null, "order_class": "bracket", "order_type": "limit", "type": "limit", "side": "buy",
 "position_intent": "buy_to_open", "time_in_force": "gtc", "limit_price": "400", "stop_price": null,
 "status": "new", "extended_hours": false, "trail_percent": null, "trail_price": null, "hwm": null,
 "legs": [
  {"id": "b1a2c3d4-0000-4000-8000-000000000002", "client_order_id": "bracket-1-tp",
   "created_at": "2026-01-06T14:31:02Z", "symbol": "MSFT", "qty": "10", "filled_qty": "0",
   "order_class": "bracket", "type": "limit", "side": "sell", "time_in_force": "gtc",
   "limit_price": "440", "status": "held", "legs": null},
  {"id": "b1a2c3d4-0000-4000-8000-000000000003", "client_order_id": "bracket-1-sl",
   "created_at": "2026-01-06T14:31:02Z", "symbol": "MSFT", "qty": "10", "filled_qty": "0",
   "order_class": "bracket", "type": "stop_limit", "side": "sell", "time_in_force": "gtc",
   "stop_price": "380", "limit_price": "379.5", "status": "held"}]})";

// §3.8 Transfer example.
inline const QByteArray transfer =
    R"({"id": "0e9d8c7b-6a54-4321-8fed-cba987654321", "relationship_id": "11112222-3333-4444-5555-666677778888",
 "account_id": "7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a", "type": "ach", "status": "QUEUED",
 "reason": null, "amount": "250.00", "requested_amount": "250.00", "fee": "0",
 "fee_payment_method": "invoice", "direction": "INCOMING",
 "created_at": "2026-01-06T16:00:01.20311Z", "updated_at": "2026-01-06T16:00:01.20311Z",
 "expires_at": "2026-01-13T16:00:01.20299Z"})";

// An outgoing wire that was returned.
inline const QByteArray wireTransfer =
    R"({"id": "aa9d8c7b-6a54-4321-8fed-cba987654321", "bank_id": "b7a1e0c2-3333-4444-5555-666677778888",
 "account_id": "7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a", "type": "wire", "status": "RETURNED",
 "currency": "USD", "reason": "account closed at receiving bank", "amount": 1000, "instant_amount": "0",
 "requested_amount": 1025, "fee": 25, "fee_payment_method": "user", "direction": "OUTGOING",
 "created_at": "2026-01-06T16:00:01Z", "updated_at": "2026-01-07T10:00:00.5-05:00",
 "expires_at": null, "hold_until": "2026-01-08T16:00:00Z",
 "additional_information": "/fixtures/status=REJECTED/fixtures/"})";

// §3.9 Asset fields, an equity.
inline const QByteArray asset =
    R"({"id": "b0b6dd9d-8b9b-48a9-ba46-b9d54906e415", "class": "us_equity", "exchange": "NASDAQ",
 "symbol": "AAPL", "name": "Apple Inc. Common Stock", "status": "active", "tradable": true,
 "marginable": true, "shortable": true, "easy_to_borrow": true, "fractionable": true,
 "maintenance_margin_requirement": 30, "attributes": ["has_options", "overnight_tradable"]})";

// §3.9 crypto asset: string increments, no margin.
inline const QByteArray cryptoAsset =
    R"({"id": "64bbff51-59d6-4b3c-9351-13ad85e3c752", "class": "crypto", "exchange": "CRYPTO",
 "symbol": "BTC/USD", "name": "Bitcoin  / US Dollar", "status": "active", "tradable": true,
 "marginable": false, "shortable": false, "easy_to_borrow": false, "fractionable": true,
 "maintenance_margin_requirement": 100, "min_order_size": "0.000044966",
 "min_trade_increment": "0.000000001", "price_increment": "1", "attributes": []})";

// An inactive OTC listing: empty exchange, null name, no flags beyond `tradable`.
inline const QByteArray sparseAsset = R"({"id": "3c0a9f7e-1111-4222-8333-944455556666", "class": "us_equity",
 "exchange": "", "symbol": "ZZZQ", "name": null, "status": "inactive", "tradable": false,
 "attributes": null})";

inline const QByteArray orderRequest =
    R"({"symbol": "MSFT", "notional": "50", "side": "buy", "type": "market",
 "time_in_force": "day"})";

inline const QByteArray transferRequest =
    R"({"transfer_type": "ach", "relationship_id": "11112222-3333-4444-5555-666677778888",
 "amount": "250.00", "direction": "INCOMING", "timing": "immediate"})";

} // namespace clera::test::payloads
