#pragma once

#include <climits>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mdsync {

// In-memory candidate index and matcher for the duplicate-suspect check of one domain (docs/DUPLICATES.md).
//
// A match text holds the domain's compared attributes in model order, separated by '|'; an absent attribute is an
// empty field. A descriptive field (a name, a description) is normalised by `normalise`: case, punctuation and
// spacing folded, German umlauts spelled out (ä -> ae, ß -> ss), other Latin-1 accents dropped, the abbreviations
// of the domain spelled out and legal forms (GmbH, AG, Ltd ...) dropped. An identifier field (a part number, a tax
// id) is '#' followed by its letters and digits only (`identifier`).
//
// Two match texts are compared on the fields present on both sides only (`Comparison::compared`):
//  - descriptive fields: the mean of two Dice coefficients, over the bigrams of their words and over the words
//    themselves (a word of 4+ letters one typo away counts 0.9); word order does not matter; numbers and their units
//    are left out of it. The numbers of the field must agree: when neither side's numbers are a subset of the
//    other's ("size 11" / "size 22", "M8x40" / "M8x45") or the same number has different units on both sides
//    ("4 kW" / "4 W") the score is at most kNumberConflictCap, below any sensible threshold; when one side only has
//    more numbers ("M8x40" / "M8x40 DIN 933") the score is multiplied by kNumberSubsetFactor;
//  - identifier fields: equal on both sides is strong evidence for (the score is at least kSameIdentifier), different
//    is strong evidence against (the score is at most kNumberConflictCap).
// Candidates share a word token with the text; tokens that occur in more than `kMaxPosting` objects ("bolt",
// "steel") are not used for lookup, and at most kMaxCandidates candidates are scored, so a lookup stays cheap at a
// million objects. Owned by the pipeline (single writer thread).
//
// Memory (issue 16 asks for the headless core below 150 MB at a million objects): the index keeps each object's match
// text once, in one character arena, and parses a candidate's text when it is compared (at most kMaxCandidates per
// lookup; a bounded cache keeps the last kParsedCache) instead of keeping parsed Fields per object. Tokens are kept as
// 64-bit hashes, a token of one object holds that object's id inline, and a token in more than kSaturated objects drops
// its id list (it is never used for lookup) and keeps only its count; when removals bring it back to kMaxPosting or
// fewer, its list is rebuilt from the texts. Lookups return what a full index would (but for a 64-bit hash collision of
// two tokens, which would only add candidates).
class DuplicateIndex
{
public:
    static constexpr size_t kMaxPosting = 256;
    static constexpr size_t kMaxCandidates = 32;
    static constexpr double kNumberConflictCap = 0.5;
    static constexpr double kNumberSubsetFactor = 0.92;
    static constexpr double kSameIdentifier = 0.97;

    struct Match
    {
        std::int64_t objectId = 0;
        double score = 0;
        std::uint32_t compared = 0; // bit i: field i was present on both sides
    };
    struct Comparison
    {
        double score = 0;
        std::uint32_t compared = 0;
    };

    // A descriptive field, normalised (see above).
    static std::string normalise(std::string_view text);
    // An identifier field: "#" and the lowercase letters and digits of `text`; empty when it has none.
    static std::string identifier(std::string_view text);
    // The match text of fields already normalised with `normalise` or `identifier` (empty: absent).
    static std::string join(const std::vector<std::string>& fields);

    static Comparison compare(std::string_view matchTextA, std::string_view matchTextB);
    static double similarity(std::string_view matchTextA, std::string_view matchTextB)
    {
        return compare(matchTextA, matchTextB).score;
    }

    // Best match at or above `threshold` among indexed objects other than `self` and those `skip` returns true for
    // (pairs a steward decided are not duplicates); objectId 0 when none.
    Match best(std::string_view matchText, double threshold, std::int64_t self = 0,
        const std::function<bool(std::int64_t)>& skip = {}) const;

    void add(std::int64_t objectId, const std::string& matchText);
    void remove(std::int64_t objectId);
    size_t size() const { return m_entryCount; }
    void clear();

    // Parsed form of a match text (public for the tests' and the compare's use).
    struct Field
    {
        bool identifier = false;
        std::string id; // identifier fields
        std::vector<std::uint16_t> bigrams; // descriptive fields: word bigrams, sorted
        std::vector<std::string> words; // descriptive fields: the words other than numbers and their units
        std::vector<std::string> numbers; // descriptive fields: numbers, sorted
        std::vector<std::string> units; // descriptive fields: "number unit" where a unit follows, sorted
        bool empty() const { return id.empty() && bigrams.empty() && numbers.empty(); }
    };
    using Fields = std::vector<Field>;
    static Fields parse(std::string_view matchText);
    static Comparison compare(const Fields& a, const Fields& b);

private:
    static constexpr size_t kSaturated = 2 * kMaxPosting; // above this a token keeps its count only
    static constexpr std::uint32_t kNone = 0xFFFFFFFFU;
    static constexpr std::int64_t kEmpty = INT64_MIN;

    // Open addressing, linear probing, deletion by backward shift; capacity a power of two.
    struct EntrySlot
    {
        std::int64_t id = kEmpty;
        std::uint32_t offset = 0; // the match text in m_arena
        std::uint32_t length = 0;
    };
    struct TokenSlot
    {
        std::uint64_t hash = 0;
        std::uint32_t count : 31 = 0; // objects with the token; 0: empty slot
        std::uint32_t inlineId : 1 = 0; // ref is the id of the token's only object
        std::uint32_t ref = kNone; // the id itself (inlineId), an index into m_lists, or kNone (saturated)
    };
    static std::vector<std::string_view> tokens(std::string_view s);
    static std::uint64_t tokenHash(std::string_view token);

    const EntrySlot* findEntry(std::int64_t id) const;
    std::string_view textOf(const EntrySlot& e) const { return { m_arena.data() + e.offset, e.length }; }
    void insertEntry(std::int64_t id, std::string_view text);
    void eraseEntry(std::int64_t id);
    void compactArena();
    TokenSlot* findToken(std::uint64_t hash);
    const TokenSlot* findToken(std::uint64_t hash) const;
    void addToken(std::uint64_t hash, std::int64_t id);
    void removeToken(std::uint64_t hash, std::string_view token, std::int64_t id);
    void eraseTokenSlot(TokenSlot* slot);
    std::uint32_t newList();
    template<typename Slot, typename Key> static void growTable(std::vector<Slot>& table, Key key);

    std::vector<EntrySlot> m_entries;
    size_t m_entryCount = 0;
    std::string m_arena; // match texts, back to back
    size_t m_garbage = 0; // bytes of m_arena no longer referenced
    std::vector<TokenSlot> m_tokens;
    size_t m_tokenCount = 0;
    std::vector<std::vector<std::int64_t>> m_lists; // posting lists of tokens in 2..kSaturated objects
    std::vector<std::uint32_t> m_freeLists;
    mutable std::vector<std::int64_t> m_scratch; // candidate ids of one lookup, reused
    // Parsed texts of recent candidates (the same objects are candidates of many lookups); bounded: emptied when
    // it holds kParsedCache, an entry dropped when its object is removed or updated.
    static constexpr size_t kParsedCache = 4096;
    mutable std::unordered_map<std::int64_t, Fields> m_parsed;
};

} // namespace mdsync
