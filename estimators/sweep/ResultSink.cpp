#include "estimators/sweep/ResultSink.h"
#include "core/Errors.h"
#include "estimators/sweep/CsvSink.h"
#include "estimators/sweep/JsonSink.h"
#include "estimators/sweep/OutputFile.h"
#include "estimators/sweep/SqliteSink.h"

#include <charconv>
#include <cmath>
#include <cstring>

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
    const bool exists = outputExists(path, "--out");
    if (mode == SinkMode::Resume && !sqlite)
        throw InputError("", "--resume", "only SQLite outputs (.sqlite) can be resumed");
    if (mode == SinkMode::Create && exists)
        throw InputError("", "--out", "'" + path + "' exists; pass --resume to continue it (.sqlite) or --overwrite to replace it");
    if (sqlite) return std::make_unique<SqliteSink>(path, mode);
    if (csv) return std::make_unique<CsvSink>(path);
    return std::make_unique<JsonSink>(path);
}

double bytesPerPoint(const std::string& path, const std::vector<std::string>& paramNames, bool intervals)
{
    const double columns = 2.0 + static_cast<double>(paramNames.size()) + kMetricCount + // + index, error
                           (intervals ? 2.0 * kIntervalCount : 0.0);
    if (!endsWith(path, ".json")) return (endsWith(path, ".csv") ? 13.0 : 7.0) * columns;
    double names = 5 + 4; // "index": quotes, colon, comma
    for (const auto& p : paramNames) names += static_cast<double>(p.size()) + 4;
    for (int m = 0; m < kMetricCount; ++m) names += std::strlen(metricName(static_cast<MetricId>(m))) + 4;
    if (intervals)
        for (int m = 0; m < kIntervalCount; ++m) names += 2 * (std::strlen(metricName(static_cast<MetricId>(m))) + 7);
    return 13.0 * columns + names;
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
