#pragma once
// A sweep's rows written straight into preallocated column buffers (the numpy
// arrays the module returns), so a million points cost no per-row Python objects.
// write() runs on the sweep's writer thread without the GIL: it touches raw memory only.
#include "estimators/sweep/ResultSink.h"

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace llmdse::python {

struct ColumnBuffers {
    std::int64_t* index = nullptr;
    std::vector<double*> params;                // one per axis; text axes hold value indices
    std::array<double*, kMetricCount> metrics{}; // NaN where the point is invalid, as the CSV leaves it empty
};

class ArraySink : public ResultSink {
public:
    // Row `i` of the run lands at position i - first.
    ArraySink(ColumnBuffers columns, std::int64_t first) : c_(std::move(columns)), first_(first) {}
    void begin(const SweepSchema&) override {}
    void write(const std::vector<SweepRow>& rows) override;
    void finish() override {}

    // (position, message) of the invalid points, in order.
    const std::vector<std::pair<std::int64_t, std::string>>& errors() const { return errors_; }

private:
    ColumnBuffers c_;
    std::int64_t first_;
    std::vector<std::pair<std::int64_t, std::string>> errors_;
};

} // namespace llmdse::python
