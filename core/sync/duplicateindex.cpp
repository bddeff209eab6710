#include "sync/duplicateindex.h"

#include <algorithm>

namespace mdsync {

std::string DuplicateIndex::normalise(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool space = true; // collapse leading/multiple separators
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        char mapped = 0;
        if (c >= 'A' && c <= 'Z')
            mapped = static_cast<char>(c - 'A' + 'a');
        else if (c == 0xC3 && i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
            // Latin-1 letters U+00C0..U+00FF in UTF-8 (ä ö ü ß é è à ç ...), folded to ASCII.
            const unsigned cp = 0xC0U + (static_cast<unsigned char>(text[i + 1]) - 0x80U);
            static const char* fold = "aaaaaaaceeeeiiiidnooooo/ouuuuyty"; // U+00E0..U+00FF
            mapped = cp == 0xDF ? 's' : fold[(cp | 0x20U) - 0xE0U];
            ++i;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            mapped = static_cast<char>(c); // other UTF-8 bytes are kept as they are
        }
        if (mapped && mapped != '/') {
            out.push_back(mapped);
            space = false;
        } else if (!space) {
            out.push_back(' ');
            space = true;
        }
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

DuplicateIndex::Bigrams DuplicateIndex::bigrams(std::string_view s)
{
    // Bigrams over the text without its spaces, so that "M8 x 40" and "M8x40" compare equal.
    Bigrams v;
    v.reserve(s.size());
    unsigned char prev = 0;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == ' ')
            continue;
        if (prev)
            v.push_back(static_cast<std::uint16_t>(prev << 8 | c));
        prev = c;
    }
    std::sort(v.begin(), v.end());
    return v;
}

double DuplicateIndex::dice(const Bigrams& x, const Bigrams& y)
{
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

double DuplicateIndex::similarity(std::string_view a, std::string_view b)
{
    if (a.empty() || b.empty())
        return 0;
    if (a == b)
        return 1;
    return dice(bigrams(a), bigrams(b));
}

std::vector<std::string> DuplicateIndex::tokens(std::string_view s)
{
    std::vector<std::string> out;
    size_t start = 0;
    while (start < s.size()) {
        size_t end = s.find(' ', start);
        if (end == std::string_view::npos)
            end = s.size();
        if (end - start >= 2)
            out.emplace_back(s.substr(start, end - start));
        start = end + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

DuplicateIndex::Match DuplicateIndex::best(std::string_view text, double threshold, std::int64_t self) const
{
    Match result;
    if (text.empty())
        return result;
    // Candidates: ids from the postings of the text's rarer tokens, ranked by how many tokens they share.
    m_scratch.clear();
    for (const std::string& t : tokens(text)) {
        auto it = m_postings.find(t);
        if (it == m_postings.end() || it->second.size() > kMaxPosting)
            continue;
        m_scratch.insert(m_scratch.end(), it->second.begin(), it->second.end());
    }
    if (m_scratch.empty())
        return result;
    std::sort(m_scratch.begin(), m_scratch.end());
    std::vector<std::pair<int, std::int64_t>> ranked; // (shared tokens, id)
    for (size_t i = 0; i < m_scratch.size();) {
        size_t j = i;
        while (j < m_scratch.size() && m_scratch[j] == m_scratch[i])
            ++j;
        if (m_scratch[i] != self)
            ranked.emplace_back(static_cast<int>(j - i), m_scratch[i]);
        i = j;
    }
    const size_t keep = std::min(ranked.size(), kMaxCandidates);
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end(),
        [](const auto& l, const auto& r) { return l.first != r.first ? l.first > r.first : l.second < r.second; });
    const Bigrams mine = bigrams(text);
    for (size_t k = 0; k < keep; ++k) {
        const Entry& other = m_entries.at(ranked[k].second);
        const double s = other.text == text ? 1.0 : dice(mine, other.bigrams);
        if (s >= threshold && s > result.score) {
            result.score = s;
            result.objectId = ranked[k].second;
        }
    }
    return result;
}

void DuplicateIndex::add(std::int64_t objectId, const std::string& text)
{
    remove(objectId);
    if (text.empty())
        return;
    for (const std::string& t : tokens(text))
        m_postings[t].push_back(objectId);
    m_entries.emplace(objectId, Entry { text, bigrams(text) });
}

void DuplicateIndex::remove(std::int64_t objectId)
{
    auto it = m_entries.find(objectId);
    if (it == m_entries.end())
        return;
    for (const std::string& t : tokens(it->second.text)) {
        auto p = m_postings.find(t);
        if (p == m_postings.end())
            continue;
        auto& v = p->second;
        v.erase(std::remove(v.begin(), v.end(), objectId), v.end());
        if (v.empty())
            m_postings.erase(p);
    }
    m_entries.erase(it);
}

void DuplicateIndex::clear()
{
    m_entries.clear();
    m_postings.clear();
}

} // namespace mdsync
