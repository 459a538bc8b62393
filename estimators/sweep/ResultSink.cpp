#include "estimators/sweep/ResultSink.h"
#include "core/Errors.h"
#include "estimators/sweep/CsvSink.h"
#include "estimators/sweep/JsonSink.h"
#include "estimators/sweep/SqliteSink.h"

#include <charconv>
#include <cmath>
#include <filesystem>

namespace llmdse {

std::vector<bool> ResultSink::finished(std::int64_t begin, std::int64_t end)
{
    return std::vector<bool>(static_cast<size_t>(end - begin), false);
}

static bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::unique_ptr<ResultSink> openSink(const std::string& path, SinkMode mode)
{
    const bool sqlite = endsWith(path, ".sqlite") || endsWith(path, ".db");
    const bool csv = endsWith(path, ".csv");
    const bool json = endsWith(path, ".json");
    if (!sqlite && !csv && !json)
        throw InputError("", "--out", "'" + path + "': use a .csv, .json or .sqlite file name");
    const bool exists = std::filesystem::exists(path);
    if (mode == SinkMode::Resume && !sqlite)
        throw InputError("", "--resume", "only SQLite outputs (.sqlite) can be resumed");
    if (mode == SinkMode::Create && exists)
        throw InputError("", "--out", "'" + path + "' exists; pass --resume to continue it (.sqlite) or --overwrite to replace it");
    if (sqlite) return std::make_unique<SqliteSink>(path, mode);
    if (csv) return std::make_unique<CsvSink>(path);
    return std::make_unique<JsonSink>(path);
}

std::string csvNumber(double v)
{
    if (std::isnan(v)) return "";
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string paramCell(const SweepSchema& s, size_t axis, double value)
{
    const auto& text = s.paramText[axis];
    if (!text.empty()) return text[static_cast<size_t>(value)];
    return csvNumber(value);
}

} // namespace llmdse
