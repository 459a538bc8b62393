#include "ArraySink.h"

#include <cmath>

namespace llmdse::python {

void ArraySink::write(const std::vector<SweepRow>& rows)
{
    const double nan = std::nan("");
    for (const SweepRow& r : rows) {
        const std::int64_t at = r.index - first_;
        c_.index[at] = r.index;
        for (size_t a = 0; a < c_.params.size(); ++a) c_.params[a][at] = r.params[a];
        const bool valid = r.error.empty();
        for (int m = 0; m < kMetricCount; ++m) c_.metrics[m][at] = valid ? r.metrics[m] : nan;
        if (!valid) errors_.emplace_back(at, r.error);
    }
}

} // namespace llmdse::python
