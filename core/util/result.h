#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace mdsync {

// An error a user (or a file a user gave us) can cause. The message says what was wrong and where.
struct Error
{
    QString message;
};

// Minimal expected-like result: either a value or an Error. Errors are values, never silent.
template<typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_v(std::in_place_index<0>, std::move(value))
    { }
    Result(Error error)
        : m_v(std::in_place_index<1>, std::move(error))
    { }

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_v); }
    const T& value() const& { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    T* operator->() { return &std::get<0>(m_v); }
    const T* operator->() const { return &std::get<0>(m_v); }

    const QString& error() const { return std::get<1>(m_v).message; }

private:
    std::variant<T, Error> m_v;
};

template<> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error.message))
        , m_ok(false)
    { }
    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const QString& error() const { return m_error; }

private:
    QString m_error;
    bool m_ok = true;
};

inline Error makeError(QString message)
{
    return Error { std::move(message) };
}

} // namespace mdsync
