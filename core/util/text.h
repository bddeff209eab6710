#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mdsync {

// Offset of the first byte that is not valid UTF-8 (overlong forms, surrogates and values beyond U+10FFFF
// count as invalid), or std::string_view::npos when all of `s` is valid.
size_t invalidUtf8Offset(std::string_view s);
// Number of Unicode code points, or nullopt when `s` is not valid UTF-8.
std::optional<size_t> utf8Length(std::string_view s);

// What scanText found in a UTF-8 string (byte offsets; npos when none).
struct TextScan
{
    size_t control = std::string::npos; // first C0 control (U+0000-U+001F), DEL (U+007F) or C1 control (U+0080-U+009F)
    size_t bidi = std::string::npos; // first bidirectional override/isolate (U+202A-U+202E, U+2066-U+2069)
    bool nonAscii = false; // any byte >= 0x80 (only such text can change under NFC)
};
// Scans valid UTF-8 text for control characters and bidirectional overrides. With `allowLineBreaks`, tab, line
// feed and carriage return are not counted as control characters (multiline text).
TextScan scanText(std::string_view s, bool allowLineBreaks = false);
// "U+0007 at character 5": the code point at byte `offset` of valid UTF-8 `s`, and its 1-based character position.
std::string describeCodePoint(std::string_view s, size_t offset);
// `s` (valid UTF-8) in Unicode Normalization Form C; ASCII text is returned unchanged without conversion.
std::string normalisedText(std::string_view s);

// Appends `s` as a JSON string literal exactly as nlohmann::json::dump() (ensure_ascii = false) writes it, without
// building a json value. Returns false when `s` is not valid UTF-8 (dump() would throw); what was appended is then
// unusable.
bool appendJsonString(std::string& out, std::string_view s);
// Appends `s` as dump() writes a json string, always: appendJsonString's text when `s` is valid UTF-8, else dump()'s
// own, with the `replace` error handler (U+FFFD for each invalid sequence) when `replaceInvalidUtf8`, or the
// exception the strict dump() throws.
void appendDumpedString(std::string& out, std::string_view s, bool replaceInvalidUtf8);

// A JSON object's text written member by member, byte for byte what nlohmann::json::dump() (indent -1,
// ensure_ascii = false) writes for the same object, without building the json value first. Members must be added
// in the order dump() writes them: by key, ascending. A string that is not valid UTF-8 is written by dump() itself:
// with `replaceInvalidUtf8` as the `replace` error handler writes it, otherwise dump() throws as it would.
class JsonObjectText
{
public:
    explicit JsonObjectText(bool replaceInvalidUtf8 = false);
    JsonObjectText& string(std::string_view key, std::string_view value);
    JsonObjectText& integer(std::string_view key, std::int64_t value);
    JsonObjectText& strings(std::string_view key, const std::vector<std::string>& values);
    JsonObjectText& value(std::string_view key, const nlohmann::json& value); // any json value, dumped
    JsonObjectText& raw(std::string_view key, std::string_view jsonText); // text already as dump() writes it
    std::string take(); // the object's text; the writer is then empty

private:
    void key(std::string_view key);

    std::string m_out;
    std::string m_lastKey;
    bool m_replace;
};

// "a, b, c"; with `limit`, at most that many items followed by `more` ("a, b, …").
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ",
    size_t limit = std::string::npos, std::string_view more = ", …");

// A JSON value for a message: a string as it is, null as "(none)", anything else as JSON ("12.5", "true").
std::string scalarText(const nlohmann::json& v);

} // namespace mdsync
