#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mdsync {

// In-memory candidate index for the duplicate-suspect check of one domain. Texts are normalised (case,
// accents of Latin-1, punctuation and spacing folded); candidates share a word token, and their
// similarity is the Dice coefficient over character bigrams of the normalised text without spaces.
// Tokens that occur in more than `kMaxPosting` objects ("bolt", "steel") are not used for candidate
// lookup, so a lookup stays cheap at a million objects; the bigrams of every indexed text are kept
// sorted so that scoring a candidate is one merge. Owned by the pipeline (single writer thread).
class DuplicateIndex
{
public:
    static constexpr size_t kMaxPosting = 256;
    static constexpr size_t kMaxCandidates = 32;

    struct Match
    {
        std::int64_t objectId = 0;
        double score = 0;
    };

    static std::string normalise(std::string_view text);
    static double similarity(std::string_view normalisedA, std::string_view normalisedB);

    // Best match at or above `threshold` among indexed objects other than `self`; objectId 0 when none.
    Match best(std::string_view normalisedText, double threshold, std::int64_t self = 0) const;

    void add(std::int64_t objectId, const std::string& normalisedText);
    void remove(std::int64_t objectId);
    size_t size() const { return m_entries.size(); }
    void clear();

private:
    using Bigrams = std::vector<std::uint16_t>;
    struct Entry
    {
        std::string text;
        Bigrams bigrams;
    };
    static std::vector<std::string> tokens(std::string_view s);
    static Bigrams bigrams(std::string_view s);
    static double dice(const Bigrams& x, const Bigrams& y);

    std::unordered_map<std::int64_t, Entry> m_entries;
    std::unordered_map<std::string, std::vector<std::int64_t>> m_postings;
    mutable std::vector<std::int64_t> m_scratch; // candidate ids of one lookup, reused
};

} // namespace mdsync
