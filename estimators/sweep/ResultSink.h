#pragma once
// Where sweep results stream to: CSV, JSON or SQLite, chosen by extension.
// Rows arrive in index order in batches; nothing is held beyond a batch.
#include "estimators/sweep/SweepRow.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llmdse {

class ResultSink {
public:
    virtual ~ResultSink() = default;
    virtual void begin(const SweepSchema& schema) = 0;
    virtual void write(const std::vector<SweepRow>& rows) = 0;
    virtual void finish() = 0;
    // Resuming: indices in [begin, end) already stored (as a bitmap over the range).
    virtual std::vector<bool> finished(std::int64_t begin, std::int64_t end);
    // Records the Pareto front (indices) for formats that keep it beside the rows.
    virtual void writePareto(const std::vector<std::int64_t>& indices) { (void)indices; }
    // Resuming with a Pareto front: feeds the stored feasible rows' metrics back.
    virtual void scanStored(const std::function<void(std::int64_t, const MetricRow&)>& visit) { (void)visit; }
};

enum class SinkMode { Create, Overwrite, Resume };

// Throws InputError("--out") for unknown extensions or when `path` exists and mode is Create.
std::unique_ptr<ResultSink> openSink(const std::string& path, SinkMode mode);

// About how many bytes one point takes in the format of `path` (for refusing runaway outputs):
// measured on 2^20-point sweeps, SQLite stores about 6.5 bytes a column, CSV 12, JSON adds the quoted names.
double bytesPerPoint(const std::string& path, const std::vector<std::string>& paramNames, bool intervals = false);

// Shared formatting for the text formats.
std::string csvNumber(double v);
std::string paramCell(const SweepSchema& s, size_t axis, double value);

} // namespace llmdse
