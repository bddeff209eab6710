#include "sync/duplicateindex.h"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace mdsync {

namespace {

// Abbreviations of the domain, spelled out before comparing (docs/DUPLICATES.md has the table).
struct Abbrev
{
    std::string_view word;
    std::string_view spelled;
};
constexpr std::array kAbbrev {
    Abbrev { "alu", "aluminium" },
    Abbrev { "aluminum", "aluminium" },
    Abbrev { "assy", "assembly" },
    Abbrev { "blt", "bolt" },
    Abbrev { "brg", "bearing" },
    Abbrev { "cent", "centrifugal" },
    Abbrev { "centr", "centrifugal" },
    Abbrev { "dia", "diameter" },
    Abbrev { "elec", "electric" },
    Abbrev { "flg", "flange" },
    Abbrev { "galv", "galvanised" },
    Abbrev { "galvanized", "galvanised" },
    Abbrev { "hexagon", "hex" },
    Abbrev { "hexagonal", "hex" },
    Abbrev { "hsg", "housing" },
    Abbrev { "inox", "stainless steel" },
    Abbrev { "intl", "international" },
    Abbrev { "mach", "machined" },
    Abbrev { "mfg", "manufacturing" },
    Abbrev { "mot", "motor" },
    Abbrev { "mtr", "motor" },
    Abbrev { "pmp", "pump" },
    Abbrev { "scr", "screw" },
    Abbrev { "sechskant", "hex" },
    Abbrev { "skt", "hex" },
    Abbrev { "ss", "stainless steel" },
    Abbrev { "stl", "steel" },
    Abbrev { "str", "strasse" },
    Abbrev { "vac", "v ac" },
    Abbrev { "vdc", "v dc" },
    Abbrev { "verz", "zinc" },
    Abbrev { "verzinkt", "zinc" },
    Abbrev { "wsh", "washer" },
    Abbrev { "wshr", "washer" },
    Abbrev { "zn", "zinc" },
};
// Legal forms and filler words, left out of the comparison ("Schäfer Edelstahl GmbH" = "Schaefer Edelstahl").
constexpr std::array<std::string_view, 33> kDropped { "ab", "ag", "aktiengesellschaft", "and", "aps", "as", "bv", "co",
    "corp", "corporation", "ek", "gbr", "gmbh", "haftungsbeschraenkt", "inc", "kg", "kgaa", "limited", "llc", "ltd",
    "mbh", "nv", "ohg", "oy", "plc", "sa", "sarl", "sas", "se", "spa", "srl", "sro", "und" };
// Units that belong to the number before them ("4 kw" differs from "4 w").
constexpr std::array<std::string_view, 36> kUnits { "a", "ah", "bar", "cm", "g", "h", "hz", "in", "inch", "k", "kg",
    "km", "kn", "kpa", "kv", "kva", "kw", "l", "m", "ma", "mah", "mbar", "min", "ml", "mm", "mpa", "n", "nm", "pa",
    "ps", "psi", "rpm", "t", "um", "v", "w" };

bool isDigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}
bool isNumber(std::string_view t)
{
    return !t.empty() && isDigit(static_cast<unsigned char>(t.front()));
}

template<size_t N> bool contains(const std::array<std::string_view, N>& sorted, std::string_view w)
{
    return std::binary_search(sorted.begin(), sorted.end(), w);
}

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(sep, start);
        if (end == std::string_view::npos)
            end = s.size();
        out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// Calls f(position, id) for each identifier field ("#" and its id) among the first `limit` fields of a match text;
// returns how many fields it looked at.
template<typename F> size_t forEachIdentifier(std::string_view text, size_t limit, F f)
{
    size_t position = 0;
    for (std::string_view field : split(text, '|')) {
        if (position == limit)
            break;
        if (field.size() > 1 && field.front() == '#')
            f(position, field.substr(1));
        ++position;
    }
    return position;
}

std::vector<std::string_view> words(std::string_view s)
{
    std::vector<std::string_view> out;
    for (std::string_view w : split(s, ' '))
        if (!w.empty())
            out.push_back(w);
    return out;
}

double dice(const std::vector<std::uint16_t>& x, const std::vector<std::uint16_t>& y)
{
    if (x.empty() && y.empty())
        return 1;
    if (x.empty() || y.empty())
        return 0;
    size_t i = 0;
    size_t j = 0;
    size_t common = 0;
    while (i < x.size() && j < y.size()) {
        if (x[i] == y[j]) {
            ++common;
            ++i;
            ++j;
        } else if (x[i] < y[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    return 2.0 * static_cast<double>(common) / static_cast<double>(x.size() + y.size());
}

// At most one edit apart (a letter changed, added, dropped, or two neighbours swapped).
bool oneEdit(std::string_view a, std::string_view b)
{
    if (a.size() > b.size())
        std::swap(a, b);
    if (b.size() - a.size() > 1)
        return false;
    size_t i = 0;
    while (i < a.size() && a[i] == b[i])
        ++i;
    if (i == a.size())
        return true;
    if (a.size() == b.size())
        return a.substr(i + 1) == b.substr(i + 1)
            || (i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2));
    return a.substr(i) == b.substr(i + 1);
}

// Dice over words: a word of four letters or more one edit away from a word of the other side counts 0.9.
double wordDice(const std::vector<std::string>& x, const std::vector<std::string>& y)
{
    if (x.empty() && y.empty())
        return 1;
    if (x.empty() || y.empty())
        return 0;
    std::vector<char> used(y.size(), 0);
    double matched = 0;
    std::vector<size_t> rest;
    for (size_t i = 0; i < x.size(); ++i) {
        bool found = false;
        for (size_t j = 0; j < y.size() && !found; ++j)
            if (!used[j] && x[i] == y[j])
                used[j] = 1, found = true;
        if (found)
            matched += 1;
        else
            rest.push_back(i);
    }
    for (size_t i : rest) {
        if (x[i].size() < 4)
            continue;
        for (size_t j = 0; j < y.size(); ++j) {
            if (!used[j] && y[j].size() >= 4 && oneEdit(x[i], y[j])) {
                used[j] = 1;
                matched += 0.9;
                break;
            }
        }
    }
    return 2.0 * matched / static_cast<double>(x.size() + y.size());
}

} // namespace

std::string DuplicateIndex::normalise(std::string_view text)
{
    // Characters: lowercase ASCII letters, digits, '.' between digits; umlauts spelled out; a space between letters
    // and digits ("M8x40" -> "m 8 x 40", "4kW" -> "4 kw"); everything else separates words.
    std::string s;
    s.reserve(text.size() + 8);
    enum class Kind { Space, Letter, Digit } last = Kind::Space;
    auto put = [&](std::string_view chars, Kind k) {
        if (last != Kind::Space && k != last)
            s.push_back(' ');
        s.append(chars);
        last = k;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 'A' && c <= 'Z') {
            const char l = static_cast<char>(c - 'A' + 'a');
            put(std::string_view(&l, 1), Kind::Letter);
        } else if (c >= 'a' && c <= 'z') { // NOLINT(bugprone-branch-clone): kept like other UTF-8 bytes below,
            put(std::string_view(&text[i], 1), Kind::Letter); // after which the Latin-1 branch must come first
        } else if (isDigit(c)) {
            put(std::string_view(&text[i], 1), Kind::Digit);
        } else if ((c == '.' || c == ',') && last == Kind::Digit && i + 1 < text.size()
            && isDigit(static_cast<unsigned char>(text[i + 1]))) {
            s.push_back('.'); // decimal separator: "0,75" = "0.75"
        } else if (c == 0xC3 && i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
            // Latin-1 letters U+00C0..U+00FF in UTF-8: German umlauts spelled out, other accents dropped.
            const unsigned cp = 0xC0U + (static_cast<unsigned char>(text[i + 1]) - 0x80U);
            ++i;
            const unsigned lower = cp == 0xDF ? cp : (cp | 0x20U);
            static const char* fold = "aaaaaaaceeeeiiiidnooooo ouuuuyty"; // U+00E0..U+00FF
            if (lower == 0xE4)
                put("ae", Kind::Letter);
            else if (lower == 0xF6)
                put("oe", Kind::Letter);
            else if (lower == 0xFC)
                put("ue", Kind::Letter);
            else if (lower == 0xDF)
                put("ss", Kind::Letter);
            else if (fold[lower - 0xE0U] != ' ')
                put(std::string_view(&fold[lower - 0xE0U], 1), Kind::Letter);
            else if (last != Kind::Space)
                s.push_back(' '), last = Kind::Space;
        } else if (c >= 0x80) {
            put(std::string_view(&text[i], 1), Kind::Letter); // other UTF-8 bytes are kept as they are
        } else if (last != Kind::Space) {
            s.push_back(' ');
            last = Kind::Space;
        }
    }
    // Runs of single letters are one word ("S.p.A." -> "spa", "U.I." -> "ui"); then abbreviations are spelled
    // out, legal forms and filler words left out.
    std::vector<std::string> merged;
    bool single = false;
    for (std::string_view w : words(s)) {
        const bool letter = w.size() == 1 && !isNumber(w);
        if (letter && single)
            merged.back() += w;
        else
            merged.emplace_back(w);
        single = letter;
    }
    std::string out;
    out.reserve(s.size());
    bool afterNumber = false;
    for (std::string_view w : merged) {
        const bool unit = afterNumber && contains(kUnits, w); // "1 kg" is a weight, not a legal form
        afterNumber = isNumber(w);
        if (!unit && contains(kDropped, w))
            continue;
        const auto* a = std::lower_bound(
            kAbbrev.begin(), kAbbrev.end(), w, [](const Abbrev& x, std::string_view v) { return x.word < v; });
        if (a != kAbbrev.end() && a->word == w)
            w = a->spelled;
        if (!out.empty())
            out.push_back(' ');
        out.append(w);
    }
    return out;
}

std::string DuplicateIndex::identifier(std::string_view text)
{
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 'A' && c <= 'Z')
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        else if ((c >= 'a' && c <= 'z') || isDigit(c))
            out.push_back(ch);
    }
    return out.empty() ? out : "#" + out;
}

std::string DuplicateIndex::join(const std::vector<std::string>& fields)
{
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i)
            out.push_back('|');
        out += fields[i];
    }
    // No field at all: empty, so that the object is not indexed.
    return out.find_first_not_of('|') == std::string::npos ? std::string() : out;
}

DuplicateIndex::Fields DuplicateIndex::parse(std::string_view text)
{
    Fields out;
    for (std::string_view f : split(text, '|')) {
        Field field;
        if (!f.empty() && f.front() == '#') {
            field.identifier = true;
            field.id = std::string(f.substr(1));
        } else {
            const auto ws = words(f);
            for (size_t i = 0; i < ws.size(); ++i) {
                std::string_view w = ws[i];
                if (isNumber(w)) {
                    // Leading zeros do not count ("lot 0012" = "lot 12"). A unit after the number belongs to it
                    // ("4 kw"), unless a number follows the unit ("m 10 a 2": "a 2" is a steel grade).
                    while (w.size() > 1 && w[0] == '0' && w[1] != '.')
                        w.remove_prefix(1);
                    field.numbers.emplace_back(w);
                    if (i + 1 < ws.size() && contains(kUnits, ws[i + 1])
                        && (i + 2 >= ws.size() || !isNumber(ws[i + 2]))) {
                        field.units.emplace_back(std::string(w) + ' ' + std::string(ws[i + 1]));
                        ++i; // compared with the number, not as a word
                    }
                    continue;
                }
                field.words.emplace_back(w);
                unsigned char prev = ' ';
                for (const char ch : w) {
                    const auto c = static_cast<unsigned char>(ch);
                    field.bigrams.push_back(static_cast<std::uint16_t>(prev << 8 | c));
                    prev = c;
                }
            }
            std::sort(field.bigrams.begin(), field.bigrams.end());
            std::sort(field.numbers.begin(), field.numbers.end());
            std::sort(field.units.begin(), field.units.end());
        }
        out.push_back(std::move(field));
    }
    return out;
}

DuplicateIndex::Comparison DuplicateIndex::compare(const Fields& a, const Fields& b)
{
    return *compare(a, b, 0.0);
}

std::optional<DuplicateIndex::Comparison> DuplicateIndex::compare(const Fields& a, const Fields& b, double floor)
{
    Comparison r;
    const size_t n = std::min({ a.size(), b.size(), size_t(32) });
    // The identifiers first: a different one on both sides caps the score, and when the cap is below `floor` the
    // texts need not be compared (a part number or tax id of its own on each side: the usual case among candidates).
    bool sameId = false;
    bool otherId = false;
    for (size_t i = 0; i < n; ++i) {
        const Field& x = a[i];
        const Field& y = b[i];
        if (!x.identifier || !y.identifier || x.empty() || y.empty())
            continue;
        r.compared |= 1U << i;
        // "811234567" and "DE811234567": the same tax id with and without its country prefix.
        const auto* const shorter = x.id.size() < y.id.size() ? &x.id : &y.id;
        const auto* const longer = shorter == &x.id ? &y.id : &x.id;
        const bool same = *shorter == *longer
            || (longer->size() == shorter->size() + 2 && longer->compare(2, std::string::npos, *shorter) == 0);
        (same ? sameId : otherId) = true;
    }
    if (otherId && !sameId && kNumberConflictCap < floor)
        return std::nullopt;
    double text = 0;
    int texts = 0;
    for (size_t i = 0; i < n; ++i) {
        const Field& x = a[i];
        const Field& y = b[i];
        if (x.empty() || y.empty() || x.identifier || y.identifier)
            continue;
        r.compared |= 1U << i;
        // Text: the mean of the bigram and the word Dice coefficients (the first forgives splits and small
        // differences, the second keeps one different word from scoring high in a short text).
        double s = (dice(x.bigrams, y.bigrams) + wordDice(x.words, y.words)) / 2;
        const bool subset = x.numbers == y.numbers
            || std::includes(x.numbers.begin(), x.numbers.end(), y.numbers.begin(), y.numbers.end())
            || std::includes(y.numbers.begin(), y.numbers.end(), x.numbers.begin(), x.numbers.end());
        // The same number with a unit on both sides must have the same unit ("4 kw" / "4 w"; "3000" / "3000 mm"
        // agree).
        bool unitConflict = false;
        for (const std::string& u : x.units) {
            const std::string_view value = std::string_view(u).substr(0, u.find(' ') + 1);
            bool sameValue = false;
            bool sameUnit = false;
            for (const std::string& v : y.units) {
                if (std::string_view(v).substr(0, v.find(' ') + 1) == value) {
                    sameValue = true;
                    sameUnit = sameUnit || v == u;
                }
            }
            unitConflict = unitConflict || (sameValue && !sameUnit);
        }
        if (!subset || unitConflict)
            s = std::min(s, kNumberConflictCap);
        else if (x.numbers != y.numbers)
            s *= kNumberSubsetFactor;
        text += s;
        ++texts;
    }
    r.score = texts ? text / texts : (sameId ? 1.0 : 0.0);
    if (sameId)
        r.score = std::max(r.score, kSameIdentifier);
    else if (otherId)
        r.score = std::min(r.score, kNumberConflictCap);
    return r;
}

DuplicateIndex::Comparison DuplicateIndex::compare(std::string_view a, std::string_view b)
{
    if (a.empty() || b.empty())
        return {};
    return compare(parse(a), parse(b));
}

std::vector<std::string_view> DuplicateIndex::tokens(std::string_view s)
{
    std::vector<std::string_view> out;
    for (std::string_view f : split(s, '|'))
        for (std::string_view w : words(f))
            if (w.size() >= 2)
                out.push_back(w);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::uint64_t DuplicateIndex::tokenHash(std::string_view token)
{
    return std::hash<std::string_view> {}(token);
}

namespace {

// Removes table[i] and shifts the following slots of its probe run back (linear probing without tombstones).
template<typename Slot> void eraseAt(std::vector<Slot>& table, size_t i)
{
    const size_t mask = table.size() - 1;
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (table[j].count == 0)
            break;
        const size_t k = table[j].hash & mask;
        const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (stays)
            continue;
        table[i] = table[j];
        i = j;
    }
    table[i] = Slot {};
}

// A free slot for `home` in a table with room (load below 3/4).
template<typename Slot> Slot& freeSlot(std::vector<Slot>& table, std::uint64_t home)
{
    const size_t mask = table.size() - 1;
    size_t i = home & mask;
    while (table[i].count != 0)
        i = (i + 1) & mask;
    return table[i];
}

// Makes room for one more slot: doubles the table when it would be more than 3/4 full.
template<typename Slot> void reserveOne(std::vector<Slot>& table, size_t count)
{
    if ((count + 1) * 4 <= table.size() * 3)
        return;
    std::vector<Slot> bigger(std::max<size_t>(16, table.size() * 2));
    for (const Slot& s : table)
        if (s.count != 0)
            freeSlot(bigger, s.hash) = s;
    table.swap(bigger);
}

} // namespace

bool DuplicateIndex::IdSet::contains(std::int64_t id) const
{
    const auto it = m_blocks.find(id >> kBlockBits);
    if (it == m_blocks.end())
        return false;
    const auto bit = static_cast<std::uint64_t>(id) & ((1U << kBlockBits) - 1);
    return (it->second[bit / 64] >> (bit % 64)) & 1U;
}

bool DuplicateIndex::IdSet::insert(std::int64_t id)
{
    Block& block = m_blocks.try_emplace(id >> kBlockBits).first->second; // a new block is zeroed
    const auto bit = static_cast<std::uint64_t>(id) & ((1U << kBlockBits) - 1);
    const std::uint64_t mask = std::uint64_t(1) << (bit % 64);
    if (block[bit / 64] & mask)
        return false;
    block[bit / 64] |= mask;
    ++m_count;
    return true;
}

bool DuplicateIndex::IdSet::erase(std::int64_t id)
{
    const auto it = m_blocks.find(id >> kBlockBits);
    if (it == m_blocks.end())
        return false;
    const auto bit = static_cast<std::uint64_t>(id) & ((1U << kBlockBits) - 1);
    const std::uint64_t mask = std::uint64_t(1) << (bit % 64);
    if (!(it->second[bit / 64] & mask))
        return false;
    it->second[bit / 64] &= ~mask;
    --m_count;
    if (std::all_of(it->second.begin(), it->second.end(), [](std::uint64_t w) { return w == 0; }))
        m_blocks.erase(it);
    return true;
}

void DuplicateIndex::IdSet::clear()
{
    std::unordered_map<std::int64_t, Block>().swap(m_blocks);
    m_count = 0;
}

DuplicateIndex::IdPrint DuplicateIndex::idPrint(std::string_view id)
{
    auto fold = [](std::string_view s) {
        const std::uint64_t h = std::hash<std::string_view> {}(s);
        const auto folded = static_cast<std::uint32_t>(h ^ (h >> 32));
        return folded == 0 ? 1U : folded;
    };
    return { fold(id), id.size() > 2 ? fold(id.substr(2)) : 0U };
}

bool DuplicateIndex::maybeSame(IdPrint a, IdPrint b)
{
    // compare: equal, or the longer one is the shorter one after two characters.
    return a.whole == b.whole || (a.tail != 0 && a.tail == b.whole) || (b.tail != 0 && b.tail == a.whole);
}

DuplicateIndex::IdPrint DuplicateIndex::IdPrints::get(std::int64_t id) const
{
    const auto it = m_blocks.find(id >> kBlockBits);
    return it == m_blocks.end() ? IdPrint {}
                                : it->second.prints[static_cast<std::uint64_t>(id) & ((1U << kBlockBits) - 1)];
}

void DuplicateIndex::IdPrints::set(std::int64_t id, IdPrint print)
{
    Block& block = m_blocks.try_emplace(id >> kBlockBits).first->second; // a new block is zeroed
    IdPrint& slot = block.prints[static_cast<std::uint64_t>(id) & ((1U << kBlockBits) - 1)];
    if (slot.whole == 0)
        ++block.count;
    slot = print;
}

void DuplicateIndex::IdPrints::erase(std::int64_t id)
{
    const auto it = m_blocks.find(id >> kBlockBits);
    if (it == m_blocks.end())
        return;
    IdPrint& slot = it->second.prints[static_cast<std::uint64_t>(id) & ((1U << kBlockBits) - 1)];
    if (slot.whole == 0)
        return;
    slot = {};
    if (--it->second.count == 0)
        m_blocks.erase(it);
}

const DuplicateIndex::TokenSlot* DuplicateIndex::findToken(std::uint64_t hash) const
{
    if (m_tokens.empty())
        return nullptr;
    const size_t mask = m_tokens.size() - 1;
    for (size_t i = hash & mask; m_tokens[i].count != 0; i = (i + 1) & mask)
        if (m_tokens[i].hash == hash)
            return &m_tokens[i];
    return nullptr;
}

DuplicateIndex::TokenSlot* DuplicateIndex::findToken(std::uint64_t hash)
{
    return const_cast<TokenSlot*>(std::as_const(*this).findToken(hash));
}

std::uint32_t DuplicateIndex::newList()
{
    if (!m_freeLists.empty()) {
        const std::uint32_t l = m_freeLists.back();
        m_freeLists.pop_back();
        return l;
    }
    m_lists.emplace_back();
    return static_cast<std::uint32_t>(m_lists.size() - 1);
}

void DuplicateIndex::addToken(std::uint64_t hash, std::int64_t id)
{
    TokenSlot* t = findToken(hash);
    if (!t) {
        reserveOne(m_tokens, m_tokenCount);
        TokenSlot& s = freeSlot(m_tokens, hash);
        s.hash = hash;
        s.count = 1;
        if (id >= 0 && id < kNone) {
            s.inlineId = 1;
            s.ref = static_cast<std::uint32_t>(id);
        } else {
            s.ref = newList();
            m_lists[s.ref].push_back(id);
        }
        ++m_tokenCount;
        return;
    }
    ++t->count;
    if (t->inlineId) {
        t->inlineId = 0;
        const std::int64_t first = t->ref;
        t->ref = newList();
        m_lists[t->ref] = { first, id };
    } else if (t->ref != kNone) {
        m_lists[t->ref].push_back(id);
        if (t->count > kSaturated) { // never used for lookup again unless removals bring it back
            std::vector<std::int64_t>().swap(m_lists[t->ref]);
            m_freeLists.push_back(t->ref);
            t->ref = kNone;
        }
    }
}

void DuplicateIndex::eraseTokenSlot(TokenSlot* slot)
{
    if (!slot->inlineId && slot->ref != kNone) {
        std::vector<std::int64_t>().swap(m_lists[slot->ref]);
        m_freeLists.push_back(slot->ref);
    }
    eraseAt(m_tokens, static_cast<size_t>(slot - m_tokens.data()));
    --m_tokenCount;
}

// A token's object is taken out. Ids of a listed token are checked (an id that is not there changes nothing); a
// saturated token only counts, and its list is rebuilt when it is next used for lookup (rebuildToken).
void DuplicateIndex::removeToken(std::uint64_t hash, std::int64_t id)
{
    TokenSlot* t = findToken(hash);
    if (!t)
        return;
    if (t->inlineId) {
        if (static_cast<std::int64_t>(t->ref) == id)
            eraseTokenSlot(t);
        return;
    }
    if (t->ref != kNone) {
        auto& v = m_lists[t->ref];
        const auto it = std::find(v.begin(), v.end(), id);
        if (it == v.end())
            return;
        v.erase(it);
        t->count = static_cast<std::uint32_t>(t->count - 1U); // a bit-field: no --, which would go through int
        if (t->count == 0)
            eraseTokenSlot(t);
        return;
    }
    t->count = static_cast<std::uint32_t>(t->count - 1U);
    if (t->count == 0)
        eraseTokenSlot(t);
}

// A saturated token back to kMaxPosting objects or fewer: its list from the source's texts of the indexed objects that
// have it. Its count becomes the list's length (what the source holds is the truth).
void DuplicateIndex::rebuildToken(TokenSlot* t, std::string_view token, TextSource& source)
{
    const std::uint64_t hash = t->hash;
    std::vector<std::int64_t> ids;
    source.scan([&](std::int64_t id, std::string_view text) {
        if (!m_ids.contains(id))
            return;
        const auto ts = tokens(text);
        if (std::binary_search(ts.begin(), ts.end(), token))
            ids.push_back(id);
    });
    t = findToken(hash); // (the source does not call back into the index, but be safe)
    if (!t)
        return;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (ids.empty()) {
        eraseTokenSlot(t);
        return;
    }
    t->count = static_cast<std::uint32_t>(std::min<size_t>(ids.size(), 0x7FFFFFFFU));
    if (ids.size() > kSaturated)
        return;
    t->ref = newList();
    m_lists[t->ref] = std::move(ids);
}

DuplicateIndex::Match DuplicateIndex::best(std::string_view text, double threshold, std::int64_t self,
    TextSource& source, const std::function<bool(std::int64_t)>& skip)
{
    Match result;
    if (text.empty())
        return result;
    // Candidates: ids from the postings of the text's rarer tokens, ranked by how many tokens they share.
    m_scratch.clear();
    for (std::string_view t : tokens(text)) {
        const std::uint64_t hash = tokenHash(t);
        TokenSlot* s = findToken(hash);
        if (!s || s->count > kMaxPosting)
            continue;
        if (!s->inlineId && s->ref == kNone) {
            rebuildToken(s, t, source);
            s = findToken(hash);
            if (!s || s->count > kMaxPosting)
                continue;
        }
        if (s->inlineId)
            m_scratch.push_back(s->ref);
        else if (s->ref != kNone)
            m_scratch.insert(m_scratch.end(), m_lists[s->ref].begin(), m_lists[s->ref].end());
    }
    if (m_scratch.empty())
        return result;
    std::sort(m_scratch.begin(), m_scratch.end());
    std::vector<std::pair<int, std::int64_t>> ranked; // (shared tokens, id)
    for (size_t i = 0; i < m_scratch.size();) {
        size_t j = i;
        while (j < m_scratch.size() && m_scratch[j] == m_scratch[i])
            ++j;
        if (m_scratch[i] != self && !(skip && skip(m_scratch[i])))
            ranked.emplace_back(static_cast<int>(j - i), m_scratch[i]);
        i = j;
    }
    const size_t keep = std::min(ranked.size(), kMaxCandidates);
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end(),
        [](const auto& l, const auto& r) { return l.first != r.first ? l.first > r.first : l.second < r.second; });
    ranked.resize(keep);
    // A candidate whose identifiers all differ from the text's is capped at kNumberConflictCap: when that is below the
    // threshold, compare(…, threshold) would set it aside, so its text is not read (a part number of its own on each
    // side: the usual case among candidates). Hashes that are equal only keep a candidate for the full comparison.
    if (kNumberConflictCap < threshold && !m_idPrints.empty()) {
        std::array<IdPrint, 32> mine {};
        bool any = false;
        const size_t positions = forEachIdentifier(text, m_idPrints.size(), [&](size_t position, std::string_view id) {
            mine[position] = idPrint(id);
            any = true;
        });
        if (any)
            std::erase_if(ranked, [&](const std::pair<int, std::int64_t>& candidate) {
                bool same = false;
                bool other = false;
                for (size_t i = 0; i < positions; ++i) {
                    if (mine[i].whole == 0)
                        continue;
                    const IdPrint theirs = m_idPrints[i].get(candidate.second);
                    if (theirs.whole != 0)
                        (maybeSame(mine[i], theirs) ? same : other) = true;
                }
                return other && !same;
            });
    }
    if (ranked.empty())
        return result;
    // The texts of the candidates not parsed yet, in one call of the source.
    std::vector<std::int64_t> missing;
    for (const auto& candidate : ranked)
        if (!m_parsed.contains(candidate.second))
            missing.push_back(candidate.second);
    if (m_parsed.size() + missing.size() > kParsedCache) {
        m_parsed.clear();
        missing.clear();
        for (const auto& candidate : ranked)
            missing.push_back(candidate.second);
    }
    if (!missing.empty()) {
        std::sort(missing.begin(), missing.end());
        source.texts(missing, [&](std::int64_t id, std::string_view other) {
            if (!other.empty() && std::binary_search(missing.begin(), missing.end(), id))
                m_parsed.insert_or_assign(id, parse(other));
        });
    }
    const Fields mine = parse(text);
    for (const auto& candidate : ranked) {
        const std::int64_t id = candidate.second;
        const auto parsed = m_parsed.find(id);
        if (parsed == m_parsed.end()) // no text in the source
            continue;
        const auto c = compare(mine, parsed->second, threshold);
        if (c && c->score >= threshold && c->score > result.score) {
            result.score = c->score;
            result.compared = c->compared;
            result.objectId = id;
        }
    }
    return result;
}

void DuplicateIndex::add(std::int64_t objectId, std::string_view text, std::string_view previous)
{
    if (m_ids.contains(objectId)) {
        if (previous.empty())
            throw std::invalid_argument("duplicate index: object " + std::to_string(objectId)
                + " is indexed already, its previous text is needed to update it");
        remove(objectId, previous);
    }
    if (text.empty())
        return;
    m_ids.insert(objectId);
    for (std::string_view t : tokens(text))
        addToken(tokenHash(t), objectId);
    forEachIdentifier(text, 32, [&](size_t position, std::string_view id) {
        if (m_idPrints.size() <= position)
            m_idPrints.resize(position + 1);
        m_idPrints[position].set(objectId, idPrint(id));
    });
}

void DuplicateIndex::remove(std::int64_t objectId, std::string_view previous)
{
    m_parsed.erase(objectId);
    if (!m_ids.erase(objectId))
        return;
    for (IdPrints& prints : m_idPrints)
        prints.erase(objectId);
    for (std::string_view t : tokens(previous))
        removeToken(tokenHash(t), objectId);
}

void DuplicateIndex::clear()
{
    m_ids.clear();
    std::vector<TokenSlot>().swap(m_tokens);
    m_tokenCount = 0;
    std::vector<std::vector<std::int64_t>>().swap(m_lists);
    std::vector<std::uint32_t>().swap(m_freeLists);
    m_parsed.clear();
    std::vector<IdPrints>().swap(m_idPrints);
}

} // namespace mdsync
