#include "estimators/sweep/CsvSink.h"
#include "core/Errors.h"
#include "estimators/sweep/OutputFile.h"

#include <cerrno>
#include <cstring>

namespace llmdse {

CsvSink::CsvSink(const std::string& path) : path_(path)
{
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) throw InputError(path, "", std::string("cannot write: ") + std::strerror(errno));
}

CsvSink::~CsvSink()
{
    if (f_) std::fclose(f_);
}

static std::string csvText(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

void CsvSink::begin(const SweepSchema& schema)
{
    schema_ = schema;
    std::string h = "index";
    for (const auto& p : schema.paramNames) h += "," + csvText(p);
    for (int m = 0; m < kMetricCount; ++m) h += std::string(",") + metricName(static_cast<MetricId>(m));
    if (schema.intervalLevel > 0)
        for (int m = 0; m < kIntervalCount; ++m)
            for (const bool high : {false, true}) h += "," + intervalColumn(static_cast<MetricId>(m), high);
    h += ",error\n";
    std::fputs(h.c_str(), f_);
}

void CsvSink::write(const std::vector<SweepRow>& rows)
{
    buf_.clear();
    for (const auto& r : rows) {
        buf_ += std::to_string(r.index);
        for (size_t a = 0; a < schema_.paramNames.size(); ++a) {
            buf_ += ',';
            buf_ += csvText(paramCell(schema_, a, r.params[a]));
        }
        for (int m = 0; m < kMetricCount; ++m) {
            buf_ += ',';
            if (r.error.empty()) buf_ += csvNumber(r.metrics[m]);
        }
        if (schema_.intervalLevel > 0)
            for (int m = 0; m < kIntervalCount; ++m) {
                buf_ += ',';
                if (r.error.empty()) buf_ += csvNumber(r.lo[m]);
                buf_ += ',';
                if (r.error.empty()) buf_ += csvNumber(r.hi[m]);
            }
        buf_ += ',';
        buf_ += csvText(r.error);
        buf_ += '\n';
    }
    if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
        throw InputError(path_, "", writeFailure(errno));
}

void CsvSink::finish()
{
    if (!f_) return;
    const bool failedBefore = std::ferror(f_) != 0; // e.g. the header, written unchecked
    const bool ok = std::fclose(f_) == 0 && !failedBefore;
    f_ = nullptr;
    if (!ok) throw InputError(path_, "", writeFailure(errno));
}

} // namespace llmdse
