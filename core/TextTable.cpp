#include "core/TextTable.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace llmdse {

// Columns are aligned by characters, not bytes: "µs" is one character wide.
static size_t width(const std::string& s)
{
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

static bool numeric(const std::string& s)
{
    return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '.');
}

std::string TextTable::render() const
{
    std::vector<size_t> w(header_.size(), 0);
    for (size_t i = 0; i < header_.size(); ++i) w[i] = width(header_[i]);
    for (const auto& r : rows_)
        for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(r[i]));
    std::string out;
    auto line = [&](const std::vector<std::string>& r, bool head) {
        for (size_t i = 0; i < w.size(); ++i) {
            const std::string cell = i < r.size() ? r[i] : "";
            const std::string pad(w[i] - width(cell), ' ');
            out += (!head && numeric(cell)) ? pad + cell : cell + pad;
            out += i + 1 < w.size() ? "  " : "\n";
        }
    };
    line(header_, true);
    std::vector<std::string> rule;
    for (size_t x : w) rule.push_back(std::string(x, '-'));
    line(rule, true);
    for (const auto& r : rows_) line(r, false);
    return out;
}

std::string csvEscape(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

std::string TextTable::csv() const
{
    std::string out;
    auto line = [&](const std::vector<std::string>& r) {
        for (size_t i = 0; i < r.size(); ++i) out += csvEscape(r[i]) + (i + 1 < r.size() ? "," : "\n");
    };
    line(header_);
    for (const auto& r : rows_) line(r);
    return out;
}

std::string fmt(double v, int digits)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

} // namespace llmdse
