#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mdsync {

// Where a DuplicateIndex reads match texts (the pipeline: the workspace's match_text, in its open transaction).
class TextSource
{
public:
    using Visit = std::function<void(std::int64_t objectId, std::string_view matchText)>;
    virtual ~TextSource() = default;
    // The texts of `ids` (sorted, distinct): visit(id, text) for each that has one, in any order. One call per lookup.
    virtual void texts(std::span<const std::int64_t> ids, const Visit& visit) = 0;
    // Every text of the index's domain (rebuilding the id list of a token; rare).
    virtual void scan(const Visit& visit) = 0;
};

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
// Memory (issue 16 asks for the headless core below 150 MB at a million objects): the index keeps no match texts. It
// holds the token tables, the set of indexed object ids (a bitmap in blocks of 4096 ids) and the objects'
// identifier fields as hashes (m_idPrints, 8 bytes an id and identifier field); the texts stay in the
// workspace (table match_text) and are read through a TextSource: `best` fetches its candidates' texts in one call
// (at most kMaxCandidates; a bounded cache keeps the parsed form of the last kParsedCache) and parses them when it
// compares. The caller passes an object's previous text to `add` and `remove` (the tokens to take it out of). Tokens
// are kept as 64-bit hashes, a token of one object holds that object's id inline, and a token in more than kSaturated
// objects drops its id list (it is never used for lookup) and keeps only its count; when removals bring it back to
// kMaxPosting or fewer, the next lookup that meets it rebuilds its list from a scan of the source's texts (rare).
// Lookups return what a full index would (but for a 64-bit hash collision of two tokens, which would only add
// candidates), provided the source holds the texts the objects were indexed with (the pipeline's workspace does: it
// writes match_text in the transaction that adds the text here).
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
    // (pairs a steward decided are not duplicates); objectId 0 when none. The candidates' texts come from `source`
    // (one texts() call; a scan() when a token's list must be rebuilt).
    Match best(std::string_view matchText, double threshold, std::int64_t self, TextSource& source,
        const std::function<bool(std::int64_t)>& skip = {});

    // Indexes `matchText` for `objectId` (empty: the object is not indexed). When the object is in the index already,
    // `previous` must be the text it was indexed with: its tokens are taken out first (std::invalid_argument when it
    // is empty then, as the tokens would be counted twice).
    void add(std::int64_t objectId, std::string_view matchText, std::string_view previous = {});
    // Takes the object out; `previous`: the text it was indexed with. Nothing when it is not in the index.
    void remove(std::int64_t objectId, std::string_view previous);
    bool isIndexed(std::int64_t objectId) const { return m_ids.contains(objectId); }
    size_t size() const { return m_ids.size(); }
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
    // compare(a, b), or nothing when its score is sure to be below `floor` without comparing the texts: a different
    // identifier on both sides (and none the same) caps the score at kNumberConflictCap. `best` passes its threshold.
    static std::optional<Comparison> compare(const Fields& a, const Fields& b, double floor);

private:
    static constexpr size_t kSaturated = 2 * kMaxPosting; // above this a token keeps its count only
    static constexpr std::uint32_t kNone = 0xFFFFFFFFU;

    // The indexed object ids: a bitmap per block of 4096 consecutive ids (object ids are drawn from one sequence, so
    // the blocks are dense; a million ids take some 130 KB).
    class IdSet
    {
    public:
        bool contains(std::int64_t id) const;
        bool insert(std::int64_t id); // false: present already
        bool erase(std::int64_t id); // false: absent
        size_t size() const { return m_count; }
        void clear();

    private:
        static constexpr int kBlockBits = 12;
        using Block = std::array<std::uint64_t, (size_t(1) << kBlockBits) / 64>;
        std::unordered_map<std::int64_t, Block> m_blocks;
        size_t m_count = 0;
    };
    // Open addressing, linear probing, deletion by backward shift; capacity a power of two.
    struct TokenSlot
    {
        std::uint64_t hash = 0;
        std::uint32_t count : 31 = 0; // objects with the token; 0: empty slot
        std::uint32_t inlineId : 1 = 0; // ref is the id of the token's only object
        std::uint32_t ref = kNone; // the id itself (inlineId), an index into m_lists, or kNone (saturated)
    };
    static std::vector<std::string_view> tokens(std::string_view s);
    static std::uint64_t tokenHash(std::string_view token);

    TokenSlot* findToken(std::uint64_t hash);
    const TokenSlot* findToken(std::uint64_t hash) const;
    void addToken(std::uint64_t hash, std::int64_t id);
    void removeToken(std::uint64_t hash, std::int64_t id);
    void rebuildToken(TokenSlot* slot, std::string_view token, TextSource& source);
    void eraseTokenSlot(TokenSlot* slot);
    std::uint32_t newList();
    template<typename Slot, typename Key> static void growTable(std::vector<Slot>& table, Key key);

    // An identifier field's value as two hashes: of the value, and of the value without its first two characters
    // (a tax id's country prefix, which compare forgives); 0: none.
    struct IdPrint
    {
        std::uint32_t whole = 0;
        std::uint32_t tail = 0;
    };
    static IdPrint idPrint(std::string_view id);
    // Whether compare could find the two identifiers the same (equal hashes; different hashes: surely different).
    static bool maybeSame(IdPrint a, IdPrint b);
    // The IdPrints of the indexed objects at one field position, by object id: blocks of 4096 ids, like IdSet, so 8
    // bytes for each id of a block in use (a block is freed when its last print is erased).
    class IdPrints
    {
    public:
        IdPrint get(std::int64_t id) const;
        void set(std::int64_t id, IdPrint print); // print.whole != 0
        void erase(std::int64_t id);

    private:
        static constexpr int kBlockBits = 12;
        struct Block
        {
            std::array<IdPrint, size_t(1) << kBlockBits> prints {};
            std::uint32_t count = 0; // prints set
        };
        std::unordered_map<std::int64_t, Block> m_blocks;
    };

    IdSet m_ids;
    // By field position (below 32), from the first identifier field seen there on: `best` sets aside the candidates
    // whose identifiers differ from the text's without reading their texts, as compare(a, b, threshold) would. A
    // million objects with one identifier field and dense ids: 8 MB.
    std::vector<IdPrints> m_idPrints;
    std::vector<TokenSlot> m_tokens;
    size_t m_tokenCount = 0;
    std::vector<std::vector<std::int64_t>> m_lists; // posting lists of tokens in 2..kSaturated objects
    std::vector<std::uint32_t> m_freeLists;
    std::vector<std::int64_t> m_scratch; // candidate ids of one lookup, reused
    // Parsed texts of recent candidates (the same objects are candidates of many lookups); bounded: emptied when
    // it holds kParsedCache, an entry dropped when its object is removed or updated.
    static constexpr size_t kParsedCache = 4096;
    std::unordered_map<std::int64_t, Fields> m_parsed;
};

} // namespace mdsync
