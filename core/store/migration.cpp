#include "migration.h"

using namespace Qt::StringLiterals;

namespace clera {

// Decimals and instants are TEXT (exact decimal strings; RFC 3339 UTC with milliseconds, fixed width,
// so they sort and compare as text on both engines). Ids are TEXT UUIDs except the audit log's
// sequence.
const QList<Migration> &storeMigrations()
{
    static const QList<Migration> all = {
        {
            1,
            u"auth core: users, sessions, email tokens, audit log"_s,
            {
                u"CREATE TABLE users ("
                "id TEXT PRIMARY KEY NOT NULL, "
                "email TEXT NOT NULL, "
                "email_key TEXT NOT NULL UNIQUE, "
                "password_hash TEXT NOT NULL, "
                "email_verified_at TEXT, "
                "role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'operator')), "
                "created_at TEXT NOT NULL, "
                "disabled BOOLEAN NOT NULL DEFAULT FALSE)"_s,
                u"CREATE TABLE sessions ("
                "id TEXT PRIMARY KEY NOT NULL, "
                "user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE, "
                "family_id TEXT NOT NULL, "
                "token_hash TEXT NOT NULL UNIQUE, "
                "created_at TEXT NOT NULL, "
                "expires_at TEXT NOT NULL, "
                "revoked_at TEXT, "
                "replaced_by TEXT, "
                "ip TEXT NOT NULL DEFAULT '', "
                "user_agent TEXT NOT NULL DEFAULT '')"_s,
                u"CREATE INDEX sessions_by_user ON sessions (user_id)"_s,
                u"CREATE INDEX sessions_by_family ON sessions (family_id)"_s,
                u"CREATE TABLE email_tokens ("
                "id TEXT PRIMARY KEY NOT NULL, "
                "user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE, "
                "purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')), "
                "token_hash TEXT NOT NULL UNIQUE, "
                "created_at TEXT NOT NULL, "
                "expires_at TEXT NOT NULL, "
                "used_at TEXT)"_s,
                u"CREATE INDEX email_tokens_by_user ON email_tokens (user_id, purpose)"_s,
                u"CREATE TABLE audit_log ("
                "id {{bigid}}, "
                "at TEXT NOT NULL, "
                "actor TEXT NOT NULL, "
                "action TEXT NOT NULL, "
                "subject TEXT NOT NULL DEFAULT '', "
                "ip TEXT NOT NULL DEFAULT '', "
                "result TEXT NOT NULL, "
                "details TEXT NOT NULL DEFAULT '{}')"_s,
                u"CREATE INDEX audit_log_by_subject ON audit_log (subject, id)"_s,
                u"CREATE INDEX audit_log_by_actor ON audit_log (actor, id)"_s,
            },
            {
                u"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"_s,
                u"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"_s,
            },
            {
                u"CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"_s,
                u"CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"_s,
                u"CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"_s,
            },
        },
        {
            2,
            u"brokerage accounts: which user owns which broker account"_s,
            {
                u"CREATE TABLE brokerage_accounts ("
                "id {{bigid}}, "
                "user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE, "
                "broker_account_id TEXT NOT NULL UNIQUE, "
                "broker TEXT NOT NULL, "
                "created_at TEXT NOT NULL)"_s,
                u"CREATE INDEX brokerage_accounts_by_user ON brokerage_accounts (user_id, id)"_s,
            },
            {},
            {},
        },
        {
            3,
            u"order intents: every order is stored with its client_order_id before the broker sees it"_s,
            {
                u"CREATE TABLE order_intents ("
                "id {{bigid}}, "
                "user_id TEXT NOT NULL, "
                "account_id TEXT NOT NULL, "
                "client_order_id TEXT NOT NULL UNIQUE, "
                "idempotency_key TEXT, "
                "request TEXT NOT NULL, "
                "state TEXT NOT NULL CHECK (state IN ('pending', 'submitted', 'rejected', 'unknown')), "
                "broker_order_id TEXT, "
                "error_code TEXT, "
                "error_message TEXT, "
                "created_at TEXT NOT NULL, "
                "updated_at TEXT NOT NULL)"_s,
                u"CREATE UNIQUE INDEX order_intents_by_key ON order_intents (account_id, idempotency_key)"_s,
                u"CREATE INDEX order_intents_by_state ON order_intents (state, id)"_s,
            },
            {},
            {},
        },
        {
            6,
            u"watchlists: named, ordered symbol lists per user"_s,
            {
                u"CREATE TABLE watchlists ("
                "id TEXT PRIMARY KEY NOT NULL, "
                "user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE, "
                "name TEXT NOT NULL, "
                "name_key TEXT NOT NULL, "
                "created_at TEXT NOT NULL, "
                "updated_at TEXT NOT NULL, "
                "UNIQUE (user_id, name_key))"_s,
                u"CREATE INDEX watchlists_by_user ON watchlists (user_id, created_at)"_s,
                u"CREATE TABLE watchlist_symbols ("
                "watchlist_id TEXT NOT NULL REFERENCES watchlists (id) ON DELETE CASCADE, "
                "symbol TEXT NOT NULL, "
                "ordinal INTEGER NOT NULL, "
                "PRIMARY KEY (watchlist_id, symbol))"_s,
                u"CREATE INDEX watchlist_symbols_by_ordinal ON watchlist_symbols (watchlist_id, ordinal)"_s,
            },
            {},
            {},
        },
    };
    return all;
}

} // namespace clera
