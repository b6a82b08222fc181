#pragma once

#include <utility>
#include <variant>

namespace clera {

template<typename E>
struct Unexpected
{
    E error;
};

template<typename E>
[[nodiscard]] Unexpected<std::decay_t<E>> unexpected(E &&e)
{
    return {std::forward<E>(e)};
}

// A value or a typed error, in the spirit of std::expected (C++23), which g++ 12 lacks in C++20 mode.
// Default-constructs to a default error so it can travel through QFuture.
template<typename T, typename E>
class Expected
{
public:
    Expected() : m_v(std::in_place_index<1>, E{}) {}
    Expected(const T &v) : m_v(std::in_place_index<0>, v) {}
    Expected(T &&v) : m_v(std::in_place_index<0>, std::move(v)) {}
    template<typename G>
    Expected(Unexpected<G> u) : m_v(std::in_place_index<1>, E(std::move(u.error)))
    {}

    [[nodiscard]] bool hasValue() const { return m_v.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    [[nodiscard]] T &value() & { return std::get<0>(m_v); }
    [[nodiscard]] const T &value() const & { return std::get<0>(m_v); }
    [[nodiscard]] T &&value() && { return std::get<0>(std::move(m_v)); }
    [[nodiscard]] const E &error() const { return std::get<1>(m_v); }

    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    template<typename U>
    [[nodiscard]] T valueOr(U &&fallback) const
    {
        return hasValue() ? value() : T(std::forward<U>(fallback));
    }

private:
    std::variant<T, E> m_v;
};

} // namespace clera
