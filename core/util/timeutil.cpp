#include "util/timeutil.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace mdsync {

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out)
{
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t daysFromCivil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool validDate(int y, int m, int d)
{
    static constexpr std::array<int, 12> mdays = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[static_cast<std::size_t>(m - 1)] + ((m == 2 && leap) ? 1 : 0);
}

} // namespace

std::optional<TimeMs> parseIsoDate(std::string_view s)
{
    int y = 0;
    int m = 0;
    int d = 0;
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m)
        || !digits(s, 8, 2, d) || !validDate(y, m, d))
        return std::nullopt;
    return daysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400000LL;
}

std::optional<TimeMs> parseRfc3339(std::string_view s)
{
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
    if (s.size() < 20)
        return std::nullopt;
    const auto date = parseIsoDate(s.substr(0, 10));
    if (!date || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
        return std::nullopt;
    int hh = 0;
    int mi = 0;
    int ss = 0;
    if (!digits(s, 11, 2, hh) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, ss))
        return std::nullopt;
    if (hh > 23 || mi > 59 || ss > 60)
        return std::nullopt;
    size_t pos = 19;
    int millis = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const size_t start = pos;
        int scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            millis += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start)
            return std::nullopt;
    }
    if (pos >= s.size())
        return std::nullopt;
    int offsetMin = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh = 0;
        int om = 0;
        if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om)
            || oh > 23 || om > 59)
            return std::nullopt;
        offsetMin = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;
    if (ss == 60)
        ss = 59; // leap second: clamp, we keep millisecond precision only
    return *date + ((hh * 60LL + mi - offsetMin) * 60LL + ss) * 1000LL + millis;
}

std::string formatRfc3339(TimeMs ms)
{
    std::int64_t days = ms >= 0 ? ms / 86400000LL : (ms - 86399999LL) / 86400000LL;
    std::int64_t rem = ms - days * 86400000LL;
    // civil_from_days
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y0 = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = y0 + (m <= 2);
    std::array<char, 64> buf {};
    std::snprintf(buf.data(), buf.size(), "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y), m,
        d, static_cast<long long>(rem / 3600000), static_cast<long long>(rem / 60000 % 60),
        static_cast<long long>(rem / 1000 % 60), static_cast<long long>(rem % 1000));
    return buf.data();
}

TimeMs nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string formatDuration(TimeMs ms)
{
    std::array<char, 48> buf {};
    const auto v = static_cast<double>(ms);
    if (ms < 1000)
        std::snprintf(buf.data(), buf.size(), "%lld ms", static_cast<long long>(ms));
    else if (ms < 120LL * 1000)
        std::snprintf(buf.data(), buf.size(), ms < 10000 ? "%.1f s" : "%.0f s", v / 1000.0);
    else if (ms < 120LL * 60 * 1000)
        std::snprintf(buf.data(), buf.size(), "%.1f min", v / 60000.0);
    else if (ms < 48LL * 3600 * 1000)
        std::snprintf(buf.data(), buf.size(), "%.1f h", v / 3600000.0);
    else
        std::snprintf(buf.data(), buf.size(), "%.1f d", v / 86400000.0);
    return buf.data();
}

} // namespace mdsync
