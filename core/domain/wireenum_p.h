#pragma once

// Internal to clera_domain: table-driven conversion between enums and their Alpaca wire names.

#include <QString>
#include <QStringView>

#include <array>
#include <cstddef>

namespace clera::detail {

template <typename E> struct WireName
{
    E value;
    QStringView wire;
};

// The wire name of `value`, or `fallback` when the table has none (the enum's Unknown).
template <typename E, std::size_t N>
[[nodiscard]] QString wireName(const std::array<WireName<E>, N> &table, E value, QStringView fallback)
{
    for (const auto &entry : table) {
        if (entry.value == value)
            return entry.wire.toString();
    }
    return fallback.toString();
}

// Case-insensitive: Alpaca's own examples are not consistent about casing (e.g. asset status).
template <typename E, std::size_t N>
[[nodiscard]] E enumFromWire(const std::array<WireName<E>, N> &table, QStringView text, E unknown)
{
    for (const auto &entry : table) {
        if (text.compare(entry.wire, Qt::CaseInsensitive) == 0)
            return entry.value;
    }
    return unknown;
}

} // namespace clera::detail
