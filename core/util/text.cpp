#include "util/text.h"

#include <QString>
#include <QtGlobal>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <cstdio>

namespace mdsync {

namespace {

// Decodes the sequence starting at s[i]; returns its length, or 0 when it is not valid UTF-8.
size_t sequenceLength(std::string_view s, size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
        return 1;
    size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (size_t k = 1; k < len; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF
        || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

} // namespace

size_t invalidUtf8Offset(std::string_view s)
{
    for (size_t i = 0; i < s.size();) {
        const size_t len = sequenceLength(s, i);
        if (!len)
            return i;
        i += len;
    }
    return std::string_view::npos;
}

std::optional<size_t> utf8Length(std::string_view s)
{
    size_t count = 0;
    for (size_t i = 0; i < s.size(); ++count) {
        const size_t len = sequenceLength(s, i);
        if (!len)
            return std::nullopt;
        i += len;
    }
    return count;
}

bool appendJsonString(std::string& out, std::string_view s)
{
    static const char* const hex = "0123456789abcdef";
    out += '"';
    const char* run = s.data();
    const char* const end = s.data() + s.size();
    bool nonAscii = false;
    for (const char* p = run; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\') {
            nonAscii |= c >= 0x80;
            continue;
        }
        out.append(run, p);
        run = p + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\r':
            out += "\\r";
            break;
        default: {
            const std::array<char, 6> u = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF] };
            out.append(u.data(), u.size());
        }
        }
    }
    out.append(run, end);
    out += '"';
    // Only text with a byte >= 0x80 can be invalid: the same set of sequences nlohmann::json's strict dump accepts.
    return !nonAscii || invalidUtf8Offset(s) == std::string_view::npos;
}

void appendDumpedString(std::string& out, std::string_view s, bool replaceInvalidUtf8)
{
    const size_t at = out.size();
    if (appendJsonString(out, s))
        return;
    out.resize(at);
    out += nlohmann::json(std::string(s))
               .dump(-1, ' ', false,
                   replaceInvalidUtf8 ? nlohmann::json::error_handler_t::replace
                                      : nlohmann::json::error_handler_t::strict);
}

JsonObjectText::JsonObjectText(bool replaceInvalidUtf8)
    : m_out(1, '{')
    , m_replace(replaceInvalidUtf8)
{ }

void JsonObjectText::key(std::string_view key)
{
    // dump() writes an object's members in its std::map's order: by key, as std::string compares.
    Q_ASSERT_X(m_out.size() == 1 || m_lastKey < key, "JsonObjectText", "members must be added by key, ascending");
    m_lastKey.assign(key);
    if (m_out.size() > 1)
        m_out += ',';
    appendDumpedString(m_out, key, m_replace);
    m_out += ':';
}

JsonObjectText& JsonObjectText::string(std::string_view k, std::string_view value)
{
    key(k);
    appendDumpedString(m_out, value, m_replace);
    return *this;
}

JsonObjectText& JsonObjectText::integer(std::string_view k, std::int64_t value)
{
    key(k);
    m_out += std::to_string(value);
    return *this;
}

JsonObjectText& JsonObjectText::strings(std::string_view k, const std::vector<std::string>& values)
{
    key(k);
    m_out += '[';
    for (size_t i = 0; i < values.size(); ++i) {
        if (i)
            m_out += ',';
        appendDumpedString(m_out, values[i], m_replace);
    }
    m_out += ']';
    return *this;
}

JsonObjectText& JsonObjectText::value(std::string_view k, const nlohmann::json& value)
{
    key(k);
    m_out += value.dump(
        -1, ' ', false, m_replace ? nlohmann::json::error_handler_t::replace : nlohmann::json::error_handler_t::strict);
    return *this;
}

JsonObjectText& JsonObjectText::raw(std::string_view k, std::string_view jsonText)
{
    key(k);
    m_out += jsonText;
    return *this;
}

std::string JsonObjectText::take()
{
    m_out += '}';
    std::string out = std::move(m_out);
    m_out.assign(1, '{');
    m_lastKey.clear();
    return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator, size_t limit, std::string_view more)
{
    std::string out;
    for (size_t i = 0; i < items.size() && i < limit; ++i) {
        if (i)
            out += separator;
        out += items[i];
    }
    if (items.size() > limit)
        out += more;
    return out;
}

TextScan scanText(std::string_view s, bool allowLineBreaks)
{
    TextScan r;
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) {
            if (allowLineBreaks && (c == '\t' || c == '\n' || c == '\r'))
                continue;
            if (r.control == std::string::npos)
                r.control = i;
            continue;
        }
        if (c < 0x80)
            continue;
        r.nonAscii = true;
        const auto next = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
        if (c == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F) { // U+0080-U+009F
            if (r.control == std::string::npos)
                r.control = i;
        } else if (c == 0xE2 && r.bidi == std::string::npos
            && ((next(1) == 0x80 && next(2) >= 0xAA && next(2) <= 0xAE)
                || (next(1) == 0x81 && next(2) >= 0xA6 && next(2) <= 0xA9))) { // U+202A-U+202E, U+2066-U+2069
            r.bidi = i;
        }
    }
    return r;
}

std::string describeCodePoint(std::string_view s, size_t offset)
{
    size_t position = 1;
    for (size_t i = 0; i < offset && i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80)
            ++position;
    std::uint32_t cp = 0;
    if (offset < s.size()) {
        const size_t len = sequenceLength(s, offset);
        const auto c = static_cast<unsigned char>(s[offset]);
        cp = len <= 1 ? c : (c & (0xFF >> (len + 1)));
        for (size_t k = 1; k < len; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[offset + k]) & 0x3F);
    }
    std::array<char, 48> buf {};
    std::snprintf(buf.data(), buf.size(), "U+%04X at character %zu", static_cast<unsigned>(cp), position);
    return buf.data();
}

std::string normalisedText(std::string_view s)
{
    bool ascii = true;
    for (const char c : s)
        ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii)
        return std::string(s);
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()))
        .normalized(QString::NormalizationForm_C)
        .toStdString();
}

std::string scalarText(const nlohmann::json& v)
{
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_null())
        return "(none)";
    return v.dump();
}

} // namespace mdsync
