#pragma once

namespace clera {

// Initialises libsodium once per process (thread-safe); false if it cannot (no entropy source).
[[nodiscard]] bool ensureSodium();

} // namespace clera
