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
            4,
            u"onboarding applications: one brokerage application per user, sensitive fields encrypted"_s,
            {
                u"CREATE TABLE onboarding_applications ("
                "user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE, "
                "state TEXT NOT NULL CHECK (state IN ('draft', 'submitting', 'submitted', 'action_required', "
                "'approved', 'rejected', 'active', 'closed')), "
                "steps TEXT NOT NULL DEFAULT '{}', "
                "tax_id_cipher TEXT, "
                "tax_id_last4 TEXT, "
                "date_of_birth_cipher TEXT, "
                "broker TEXT, "
                "broker_account_id TEXT, "
                "broker_status TEXT, "
                "submission_id TEXT, "
                "submit_attempts INTEGER NOT NULL DEFAULT 0, "
                "error_code TEXT, "
                "error_message TEXT, "
                "created_at TEXT NOT NULL, "
                "updated_at TEXT NOT NULL, "
                "submitted_at TEXT, "
                "checked_at TEXT, "
                "UNIQUE (broker, broker_account_id))"_s,
                u"CREATE INDEX onboarding_applications_by_state ON onboarding_applications (state, updated_at)"_s,
            },
            {},
            {},
        },
        {
            5,
            u"funding: bank links (last four digits only) and transfers stored before the broker sees them"_s,
            {
                u"CREATE TABLE bank_links ("
                "id TEXT PRIMARY KEY NOT NULL, "
                "user_id TEXT NOT NULL, "
                "account_id TEXT NOT NULL, "
                "relationship_id TEXT NOT NULL UNIQUE, "
                "method TEXT NOT NULL CHECK (method IN ('manual', 'plaid')), "
                "owner_name TEXT NOT NULL DEFAULT '', "
                "account_type TEXT NOT NULL DEFAULT '', "
                "account_last4 TEXT NOT NULL DEFAULT '' CHECK (LENGTH(account_last4) <= 4), "
                "routing_number TEXT NOT NULL DEFAULT '', "
                "nickname TEXT NOT NULL DEFAULT '', "
                "status TEXT NOT NULL, "
                "created_at TEXT NOT NULL, "
                "updated_at TEXT NOT NULL, "
                "removed_at TEXT)"_s,
                u"CREATE INDEX bank_links_by_account ON bank_links (account_id, created_at)"_s,
                u"CREATE TABLE transfers ("
                "id TEXT PRIMARY KEY NOT NULL, "
                "user_id TEXT NOT NULL, "
                "account_id TEXT NOT NULL, "
                "idempotency_key TEXT NOT NULL, "
                "link_id TEXT NOT NULL REFERENCES bank_links (id), "
                "relationship_id TEXT NOT NULL, "
                "direction TEXT NOT NULL CHECK (direction IN ('INCOMING', 'OUTGOING')), "
                "amount TEXT NOT NULL, "
                "state TEXT NOT NULL CHECK (state IN ('pending', 'submitted', 'rejected', 'unknown', "
                "'not_sent')), "
                "broker_transfer_id TEXT UNIQUE, "
                "status TEXT NOT NULL, "
                "error_code TEXT, "
                "error_message TEXT, "
                "created_at TEXT NOT NULL, "
                "updated_at TEXT NOT NULL, "
                "UNIQUE (account_id, idempotency_key))"_s,
                u"CREATE INDEX transfers_by_account ON transfers (account_id, created_at)"_s,
                u"CREATE INDEX transfers_by_state ON transfers (state, created_at)"_s,
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
        {
            7,
            u"funding: one transfer per account per broker day, held by the store across API instances"_s,
            {
                // The broker day (YYYY-MM-DD, New York) a counting transfer takes; NULL once it stops
                // counting. NULLs are distinct in a UNIQUE index on SQLite and PostgreSQL alike. Rows from
                // before stay NULL: the service's read of today's transfers still sees them.
                u"ALTER TABLE transfers ADD COLUMN daily_slot TEXT"_s,
                u"CREATE UNIQUE INDEX transfers_one_per_day ON transfers (account_id, daily_slot)"_s,
            },
            {},
            {},
        },
    };
    return all;
}

} // namespace clera
