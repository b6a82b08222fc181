#pragma once

#include "fakealpacabook.h"

#include <QJsonObject>

#include <optional>

namespace clera::fake {

// Alpaca's checks on a `POST /v1/accounts` body (reference §3.1): required fields, enum values,
// formats and the conditional rules (state for US residents, tax_id with tax_id_type, visa dates with
// visa_type, trusted contact reachability). The first problem found is answered as Alpaca does: 400
// {"code":40010000} when a field has the wrong JSON type, 422 {"code":40010001} for a missing or
// invalid value. nullopt: acceptable.
[[nodiscard]] std::optional<FakeAlpacaBook::Reply> checkAccountApplication(const QJsonObject &body);

// The same checks on the parts a PATCH may carry (contact, identity, disclosures, trusted_contact),
// without the required-field rules (a PATCH is partial).
[[nodiscard]] std::optional<FakeAlpacaBook::Reply> checkAccountPatch(const QJsonObject &body);

} // namespace clera::fake
