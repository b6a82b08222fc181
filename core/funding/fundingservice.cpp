// FundingService: transfers (the daily rule, store-then-submit, look-ups of lost answers), their status
// (events, polls, reads) and the start-up reconcile. Bank links are in fundinglinks.cpp.
#include "fundingservice.h"

#include "fundingservice_p.h"

#include "core/funding/fundinggateway.h"
#include "core/funding/fundingrules.h"
#include "core/store/auditlog.h"
#include "core/store/database.h"

#include <QLoggingCategory>
#include <QTimeZone>

#include <memory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcFunding, "clera.funding")

namespace clera {

using namespace fundingservice_p;

namespace {

constexpr qint64 kMatchSkewNanos = 5LL * 60 * 1'000'000'000; // broker vs our clock when adopting

QTimeZone brokerZone()
{
    static const QTimeZone newYork(QByteArrayLiteral("America/New_York"));
    return newYork.isValid() ? newYork : QTimeZone(-5 * 3600);
}

// The broker's business day (New York) at `now`.
QDate brokerDay(const QDateTime &now)
{
    return now.toTimeZone(brokerZone()).date();
}

// Midnight in New York (the broker's business day) as UTC.
QDateTime startOfBrokerDay(const QDateTime &now)
{
    return brokerDay(now).startOfDay(brokerZone()).toUTC();
}

FundingError dailyLimitReached(const QString &holderId)
{
    return failure(FundingError::Kind::Rejected, u"daily_transfer_limit"_s,
                   u"only one transfer per account per day is allowed and this account already has one "
                   "today (transfer %1); try again tomorrow (New York time) or cancel that one"_s.arg(holderId));
}

FundingError stateUnknown(const QString &message)
{
    return {FundingError::Kind::Unavailable, u"transfer_state_unknown"_s, message};
}

FundingError notSent()
{
    return {FundingError::Kind::Rejected, u"transfer_not_sent"_s,
            u"the broker never received this transfer and nothing was moved; send a new request with a new "
            "idempotency_key"_s};
}

QJsonObject transferDetails(const TransferRecord &r)
{
    return {{u"transfer_id"_s, r.id},
            {u"link_id"_s, r.linkId},
            {u"direction"_s, toWire(r.direction)},
            {u"amount"_s, r.amount.toString()},
            {u"idempotency_key"_s, r.idempotencyKey}};
}

} // namespace

FundingService::FundingService(FundingGateway &gateway, Database &db, AuditLog &audit, QObject *parent)
    : QObject(parent), m_gateway(gateway), m_db(db), m_audit(audit), m_links(db), m_transfers(db)
{
    connect(&m_gateway, &FundingGateway::accountChanged, this, [this](const QString &accountId) {
        const auto open = m_transfers.accountsWithOpenTransfers();
        if (open && open->contains(accountId))
            sync(accountId, [] {});
    });
    connect(&m_poll, &QTimer::timeout, this, &FundingService::poll);
}

FundingService::~FundingService() = default;

void FundingService::setPollInterval(int ms)
{
    if (ms <= 0) {
        m_poll.stop();
        return;
    }
    m_poll.start(ms);
}

// ---- bank links ----------------------------------------------------------------------------------

QFuture<FundingResult<TransferRecord>> FundingService::transfer(const FundingOrigin &origin,
                                                                const RequestTransfer &command)
{
    auto [future, finish] = started<FundingResult<TransferRecord>>();
    if (!m_ready) {
        finish(unexpected(failure(FundingError::Kind::Unavailable, u"reconciling"_s,
                                  u"transfers are being reconciled with the broker; try again shortly"_s)));
        return future;
    }
    const auto refuse = [&](const FundingError &error) {
        audit(origin, u"transfer.create"_s, command.accountId, u"denied"_s,
              {{u"error"_s, error.code}, {u"idempotency_key"_s, command.idempotencyKey}});
        finish(unexpected(error));
        return future;
    };
    const QString key = command.idempotencyKey.trimmed();
    if (key.isEmpty() || key.size() > 128)
        return refuse(
            invalid(u"idempotency_key_required"_s,
                    u"idempotency_key is required (1 to 128 characters): a fresh value per transfer, "
                    "the same value only to retry it"_s));
    const QString dir = command.direction.toUpper();
    if (dir != u"INCOMING" && dir != u"OUTGOING")
        return refuse(invalid(u"invalid_direction"_s,
                              u"direction must be INCOMING (deposit) or OUTGOING (withdrawal)"_s));
    const TransferDirection direction = transferDirectionFromWire(dir);
    const auto amount = FundingRules::transferAmount(command.amount);
    if (!amount)
        return refuse(amount.error());
    if (command.linkId.isEmpty())
        return refuse(invalid(u"invalid_bank_link"_s, u"link_id is required"_s));

    const auto existing = m_transfers.byIdempotencyKey(command.accountId, key);
    if (!existing) {
        finish(unexpected(FundingError::fromStore(existing.error())));
        return future;
    }
    if (*existing) {
        replay(origin, **existing, command, *amount, direction, finish);
        return future;
    }
    const auto link = m_links.byId(command.accountId, command.linkId);
    if (!link) {
        finish(unexpected(FundingError::fromStore(link.error())));
        return future;
    }
    if (!*link || (*link)->removedAt)
        return refuse(failure(FundingError::Kind::NotFound, u"bank_link_not_found"_s,
                              u"no such bank link on this account"_s));
    if (auto limited = dailyLimit(command.accountId))
        return refuse(*limited);

    const QDateTime now = QDateTime::currentDateTimeUtc();
    TransferRecord r;
    r.id = newId();
    r.userId = origin.userId;
    r.accountId = command.accountId;
    r.idempotencyKey = key;
    r.linkId = (*link)->id;
    r.relationshipId = (*link)->relationshipId;
    r.direction = direction;
    r.amount = *amount;
    r.createdAt = now;
    r.updatedAt = now;
    r.limitDay = brokerDay(now);
    storeAndSubmit(origin, r, finish);
    return future;
}

std::optional<FundingError> FundingService::dailyLimit(const QString &accountId) const
{
    const auto today = m_transfers.ofAccount(accountId, startOfBrokerDay(QDateTime::currentDateTimeUtc()));
    if (!today)
        return FundingError::fromStore(today.error());
    for (const TransferRecord &t : *today) {
        if (t.countsTowardDailyLimit())
            return dailyLimitReached(t.id);
    }
    return std::nullopt;
}

void FundingService::storeAndSubmit(const FundingOrigin &origin, const TransferRecord &record,
                                    const TransferFinish &finish)
{
    const auto stored = m_db.transaction([&] { return m_transfers.add(record); });
    if (!stored && stored.error().kind == StoreError::Kind::Conflict) {
        // A concurrent request with the same key won the race: answer with its transfer.
        const auto existing = m_transfers.byIdempotencyKey(record.accountId, record.idempotencyKey);
        if (existing && *existing) {
            RequestTransfer same{record.accountId, record.linkId, toWire(record.direction),
                                 record.amount.toString(), record.idempotencyKey};
            replay(origin, **existing, same, record.amount, record.direction, finish);
            return;
        }
        // Another API instance stored a transfer for this account and day between our check and our
        // write: the store's one-per-day index refused this one, which never reached the broker.
        const auto holder = m_transfers.holderOfDay(record.accountId, record.limitDay);
        if (holder && *holder) {
            finish(unexpected(dailyLimitReached((*holder)->id)));
            return;
        }
    }
    if (!stored) {
        qCWarning(lcFunding) << "cannot store the transfer:" << stored.error().message;
        finish(unexpected(FundingError::fromStore(stored.error())));
        return;
    }
    submit(origin, *stored, finish);
}

void FundingService::replay(const FundingOrigin &origin, const TransferRecord &record,
                            const RequestTransfer &command, Decimal amount, TransferDirection direction,
                            const TransferFinish &finish)
{
    if (record.linkId != command.linkId || record.amount != amount || record.direction != direction) {
        finish(unexpected(failure(FundingError::Kind::Conflict, u"idempotency_key_reused"_s,
                                  u"this idempotency_key was used for a different transfer"_s)));
        return;
    }
    switch (record.state) {
    case TransferRecord::State::Submitted:
        sync(record.accountId, [this, record, finish] { finish(reread(record)); });
        return;
    case TransferRecord::State::Rejected:
        finish(unexpected(FundingError::fromRecordedRefusal(record.errorCode, record.errorMessage)));
        return;
    case TransferRecord::State::NotSent:
        finish(unexpected(notSent()));
        return;
    case TransferRecord::State::Pending:
        if (m_inFlight.contains(record.id)) {
            finish(record); // the first request is still waiting for the broker
            return;
        }
        lookUp(origin, record, finish);
        return;
    case TransferRecord::State::Unknown:
        lookUp(origin, record, finish);
        return;
    }
}

void FundingService::submit(const FundingOrigin &origin, const TransferRecord &record,
                            const TransferFinish &finish)
{
    TransferRequest request;
    request.transferType = TransferType::Ach;
    request.relationshipId = record.relationshipId;
    request.amount = record.amount;
    request.direction = record.direction;
    m_inFlight.insert(record.id, record.accountId);
    m_gateway.createTransfer(record.accountId, request)
        .then(this, [this, origin, record, finish](const BrokerResult<Transfer> &created) {
            m_inFlight.remove(record.id);
            QJsonObject details = transferDetails(record);
            if (created) {
                details.insert(u"broker_transfer_id"_s, created->id);
                if (!settle(record, TransferRecord::State::Submitted, created->id, created->status,
                            nullptr)) {
                    // Not recorded (e.g. the broker id is already another record's): never a success.
                    const FundingError error = stateUnknown(
                        u"the broker's answer could not be recorded; retry with the same idempotency_key "
                        "to learn the transfer's outcome (it is never sent twice)"_s);
                    settle(record, TransferRecord::State::Unknown, {}, TransferStatus::Queued, &error);
                    details.insert(u"error"_s, error.code);
                    audit(origin, u"transfer.create"_s, record.accountId, u"error"_s, details);
                    finish(unexpected(error));
                    return;
                }
                details.insert(u"status"_s, toWire(created->status));
                audit(origin, u"transfer.create"_s, record.accountId, u"ok"_s, details);
                finish(reread(record));
                return;
            }
            const FundingError error = FundingError::fromBroker(created.error());
            details.insert(u"error"_s, error.code);
            if (ambiguous(created.error().kind)) {
                settle(record, TransferRecord::State::Unknown, {}, TransferStatus::Queued, &error);
                audit(origin, u"transfer.create"_s, record.accountId, u"error"_s, details);
                finish(
                    unexpected(failure(FundingError::Kind::Unavailable, u"transfer_state_unknown"_s,
                                       u"the broker did not confirm the transfer; retry with the same "
                                       "idempotency_key to learn its outcome (it is never sent twice)"_s)));
                return;
            }
            settle(record, TransferRecord::State::Rejected, {}, TransferStatus::Rejected, &error);
            audit(origin, u"transfer.create"_s, record.accountId, u"denied"_s, details);
            finish(unexpected(error));
        });
}

bool FundingService::inFlightOn(const QString &accountId) const
{
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it) {
        if (it.value() == accountId)
            return true;
    }
    return false;
}

void FundingService::lookUp(const FundingOrigin &origin, const TransferRecord &record,
                            const TransferFinish &finish)
{
    // Another transfer of the account is being sent or looked for: its broker transfer could be taken
    // for this one. Try again later (a retry, the poll).
    if (m_lookingUp.contains(record.accountId) || inFlightOn(record.accountId)) {
        finish(unexpected(stateUnknown(u"another transfer of this account is being settled with the broker; "
                                       "retry with the same idempotency_key shortly"_s)));
        return;
    }
    m_lookingUp.insert(record.accountId);
    m_gateway.transfers(record.accountId)
        .then(this, [this, origin, record, finish](const BrokerResult<QList<Transfer>> &list) {
            m_lookingUp.remove(record.accountId);
            if (!list) {
                const FundingError error = FundingError::fromBroker(list.error());
                if (record.state == TransferRecord::State::Pending)
                    settle(record, TransferRecord::State::Unknown, {}, TransferStatus::Queued, &error);
                finish(unexpected(
                    stateUnknown(u"the transfer's state at the broker is not known yet: "_s + error.message)));
                return;
            }
            // Only a broker transfer created while our request could have been processed is ours:
            // [stored − clock skew, stored + resolve window], the closest one first.
            const qint64 created = Timestamp::fromDateTime(record.createdAt).nanos();
            const qint64 windowNanos = qint64(m_resolveWindow.count()) * 1'000'000;
            const qint64 notBefore = created - kMatchSkewNanos;
            const qint64 notAfter = created + windowNanos;
            const Transfer *best = nullptr;
            qint64 bestDistance = 0;
            for (const Transfer &t : *list) {
                // Fees can lower `amount`; what was asked for is `requested_amount` when present.
                const Decimal asked = t.requestedAmount.value_or(t.amount);
                if (t.relationshipId != record.relationshipId || asked != record.amount ||
                    t.direction != record.direction || t.createdAt.nanos() < notBefore ||
                    t.createdAt.nanos() > notAfter)
                    continue;
                const auto claimed = m_transfers.byBrokerTransferId(t.id);
                if (!claimed || *claimed)
                    continue;
                const qint64 distance = std::abs(t.createdAt.nanos() - created);
                if (!best || distance < bestDistance) {
                    best = &t;
                    bestDistance = distance;
                }
            }
            QJsonObject details = transferDetails(record);
            if (best) {
                details.insert(u"broker_transfer_id"_s, best->id);
                details.insert(u"status"_s, toWire(best->status));
                if (!settle(record, TransferRecord::State::Submitted, best->id, best->status, nullptr)) {
                    finish(unexpected(stateUnknown(u"the broker's transfer could not be recorded yet; retry "
                                                   "with the same idempotency_key"_s)));
                    return;
                }
                audit(origin, u"transfer.reconcile"_s, record.accountId, u"ok"_s, details);
                finish(reread(record));
                return;
            }
            const QDateTime now = QDateTime::currentDateTimeUtc();
            if (now < record.createdAt.addMSecs(m_resolveWindow.count())) {
                // The broker may still be processing our request: not known yet, never `not_sent`.
                const FundingError error =
                    stateUnknown(u"the broker has not shown this transfer yet and may still be processing "
                                 "it; retry with the same idempotency_key later (it is never sent twice)"_s);
                if (record.state == TransferRecord::State::Pending)
                    settle(record, TransferRecord::State::Unknown, {}, TransferStatus::Queued, &error);
                finish(unexpected(error));
                return;
            }
            const FundingError error = notSent();
            settle(record, TransferRecord::State::NotSent, {}, TransferStatus::Rejected, &error);
            details.insert(u"error"_s, error.code);
            audit(origin, u"transfer.reconcile"_s, record.accountId, u"error"_s, details);
            finish(unexpected(error));
        });
}

QFuture<FundingResult<QList<TransferRecord>>> FundingService::transfers(const QString &accountId)
{
    auto [future, finish] = started<FundingResult<QList<TransferRecord>>>();
    sync(accountId, [this, accountId, finish] {
        const auto list = m_transfers.ofAccount(accountId);
        if (!list)
            finish(unexpected(FundingError::fromStore(list.error())));
        else
            finish(*list);
    });
    return future;
}

QFuture<FundingResult<TransferRecord>> FundingService::transferById(const QString &accountId,
                                                                    const QString &transferId)
{
    auto [future, finish] = started<FundingResult<TransferRecord>>();
    const auto found = m_transfers.byId(accountId, transferId);
    if (!found) {
        finish(unexpected(FundingError::fromStore(found.error())));
        return future;
    }
    if (!*found) {
        finish(unexpected(
            failure(FundingError::Kind::NotFound, u"transfer_not_found"_s, u"no such transfer"_s)));
        return future;
    }
    const TransferRecord r = **found;
    if (r.state != TransferRecord::State::Submitted || isTerminal(r.status)) {
        finish(r);
        return future;
    }
    sync(accountId, [this, r, finish] { finish(reread(r)); });
    return future;
}

QFuture<FundingResult<TransferRecord>>
FundingService::cancel(const FundingOrigin &origin, const QString &accountId, const QString &transferId)
{
    auto [future, finish] = started<FundingResult<TransferRecord>>();
    const auto found = m_transfers.byId(accountId, transferId);
    if (!found) {
        finish(unexpected(FundingError::fromStore(found.error())));
        return future;
    }
    QJsonObject details{{u"transfer_id"_s, transferId}};
    if (!*found) {
        details.insert(u"error"_s, u"transfer_not_found"_s);
        audit(origin, u"transfer.cancel"_s, accountId, u"denied"_s, details);
        finish(unexpected(
            failure(FundingError::Kind::NotFound, u"transfer_not_found"_s, u"no such transfer"_s)));
        return future;
    }
    const TransferRecord r = **found;
    if (r.state != TransferRecord::State::Submitted || r.status != TransferStatus::Queued) {
        details.insert(u"error"_s, u"transfer_not_cancelable"_s);
        audit(origin, u"transfer.cancel"_s, accountId, u"denied"_s, details);
        finish(unexpected(failure(
            FundingError::Kind::Rejected, u"transfer_not_cancelable"_s,
            u"only a queued transfer can be canceled; this one is %1"_s.arg(
                r.state == TransferRecord::State::Submitted ? toWire(r.status) : toString(r.state)))));
        return future;
    }
    m_gateway.cancelTransfer(accountId, r.brokerTransferId)
        .then(this, [this, origin, r, details, finish](const BrokerResult<Done> &done) mutable {
            if (!done) {
                const FundingError error = FundingError::fromBroker(done.error());
                details.insert(u"error"_s, error.code);
                audit(origin, u"transfer.cancel"_s, r.accountId,
                      ambiguous(done.error().kind) ? u"error"_s : u"denied"_s, details);
                finish(unexpected(error));
                return;
            }
            if (const auto set =
                    m_transfers.setStatus(r.id, TransferStatus::Canceled, QDateTime::currentDateTimeUtc());
                !set)
                qCWarning(lcFunding) << "cannot record a canceled transfer:" << set.error().message;
            audit(origin, u"transfer.cancel"_s, r.accountId, u"ok"_s, details);
            Q_EMIT transferUpdated(r.accountId, r.id);
            finish(reread(r));
        });
    return future;
}

// ---- status sync and reconciliation --------------------------------------------------------------

void FundingService::sync(const QString &accountId, const std::function<void()> &done)
{
    m_gateway.transfers(accountId).then(
        this, [this, accountId, done](const BrokerResult<QList<Transfer>> &list) {
            if (!list) {
                qCInfo(lcFunding) << "cannot sync transfers of" << accountId << ":" << list.error().message;
                done();
                return;
            }
            const QDateTime now = QDateTime::currentDateTimeUtc();
            for (const Transfer &t : *list) {
                const auto ours = m_transfers.byBrokerTransferId(t.id);
                if (!ours || !*ours || (*ours)->accountId != accountId || (*ours)->status == t.status)
                    continue;
                const TransferRecord &r = **ours;
                if (const auto set = m_transfers.setStatus(r.id, t.status, now); !set) {
                    qCWarning(lcFunding) << "cannot record a transfer status:" << set.error().message;
                    continue;
                }
                QJsonObject details = transferDetails(r);
                details.insert(u"broker_transfer_id"_s, t.id);
                details.insert(u"status_from"_s, toWire(r.status));
                details.insert(u"status_to"_s, toWire(t.status));
                audit({u"system"_s, {}}, u"transfer.status"_s, accountId, u"ok"_s, details);
                Q_EMIT transferUpdated(accountId, r.id);
            }
            done();
        });
}

void FundingService::poll()
{
    const auto open = m_transfers.accountsWithOpenTransfers();
    if (!open) {
        qCWarning(lcFunding) << "cannot read open transfers:" << open.error().message;
        return;
    }
    for (const QString &accountId : *open)
        sync(accountId, [] {});
    // Unknown transfers are looked for too: the oldest of each account per poll.
    const auto unresolved = m_transfers.unresolved();
    if (!unresolved) {
        qCWarning(lcFunding) << "cannot read unresolved transfers:" << unresolved.error().message;
        return;
    }
    QSet<QString> asked;
    for (const TransferRecord &r : *unresolved) {
        if (asked.contains(r.accountId) || m_inFlight.contains(r.id))
            continue;
        asked.insert(r.accountId);
        lookUp({u"system"_s, {}}, r, [](const FundingResult<TransferRecord> &) {});
    }
}

void FundingService::reconcile()
{
    const auto unresolved = m_transfers.unresolved();
    if (!unresolved) {
        // Staying closed is the safe side: new transfers now could not be reconciled later.
        qCCritical(lcFunding) << "cannot read the transfers; funding stays closed:"
                              << unresolved.error().message;
        return;
    }
    if (unresolved->isEmpty()) {
        m_ready = true;
        Q_EMIT reconciled(0, 0);
        return;
    }
    qCInfo(lcFunding) << "reconciling" << unresolved->size() << "transfers with the broker";
    // One at a time, oldest first: a record only ever competes with older ones already settled.
    struct Progress
    {
        QList<TransferRecord> records;
        qsizetype next = 0;
        int settled = 0;
        int unsettled = 0;
        std::function<void()> step;
    };
    auto progress = std::make_shared<Progress>();
    progress->records = *unresolved;
    progress->step = [this, weak = std::weak_ptr<Progress>(progress)] {
        const auto p = weak.lock();
        if (!p)
            return;
        if (p->next == p->records.size()) {
            m_ready = true;
            qCInfo(lcFunding) << "reconciled" << p->settled << "transfers;" << p->unsettled << "still unknown";
            Q_EMIT reconciled(p->settled, p->unsettled);
            return;
        }
        const TransferRecord r = p->records.at(p->next++);
        lookUp({u"system"_s, {}}, r, [p](const FundingResult<TransferRecord> &result) {
            if (result || result.error().code != u"transfer_state_unknown")
                ++p->settled;
            else
                ++p->unsettled;
            p->step();
        });
    };
    progress->step();
}

void FundingService::auditRefusal(const FundingOrigin &origin, const QString &accountId,
                                  const QString &action, const QString &code)
{
    audit(origin, action, accountId, u"denied"_s, {{u"error"_s, code}});
}

FundingResult<TransferRecord> FundingService::reread(const TransferRecord &record) const
{
    const auto found = m_transfers.byId(record.accountId, record.id);
    if (!found)
        return unexpected(FundingError::fromStore(found.error()));
    if (!*found)
        return unexpected(
            failure(FundingError::Kind::Internal, u"internal_error"_s, u"the transfer vanished"_s));
    return **found;
}

bool FundingService::settle(const TransferRecord &r, TransferRecord::State state,
                            const QString &brokerTransferId, TransferStatus status, const FundingError *error)
{
    const auto updated =
        m_transfers.settle(r.id, state, brokerTransferId, status, error ? error->code : QString(),
                           error ? error->message : QString(), QDateTime::currentDateTimeUtc());
    if (!updated)
        qCWarning(lcFunding) << "cannot record the outcome of transfer" << r.id << ":"
                             << updated.error().message;
    return bool(updated);
}

void FundingService::audit(const FundingOrigin &origin, const QString &action, const QString &accountId,
                           const QString &result, QJsonObject details)
{
    AuditEntry entry;
    entry.at = QDateTime::currentDateTimeUtc();
    entry.actor = origin.userId.isEmpty() ? u"system"_s : origin.userId;
    entry.action = action;
    entry.subject = accountId;
    entry.ip = origin.ip;
    entry.result = result;
    entry.details = std::move(details);
    if (const auto appended = m_audit.append(entry); !appended)
        qCWarning(lcFunding) << "cannot write the audit log:" << appended.error().message;
}

} // namespace clera
