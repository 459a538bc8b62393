#include "estimators/measured/MachineState.h"
#include "estimators/measured/CpuContention.h"
#include "models/engine/Linear.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <vector>

namespace llmdse {

double medianSeconds(int reps, const std::function<void()>& f)
{
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::nth_element(t.begin(), t.begin() + long(t.size() / 2), t.end());
    return t[t.size() / 2];
}

double parallelReadBytesPerS(const std::vector<float>& a, int reps)
{
    volatile float sink = 0;
    const double s = medianSeconds(reps, [&] {
        sink = oneapi::tbb::parallel_reduce(
            oneapi::tbb::blocked_range<size_t>(0, a.size(), 1 << 16), 0.0f,
            [&](const auto& r, float acc) {
                return acc + Eigen::Map<const Eigen::VectorXf>(a.data() + r.begin(), Eigen::Index(r.size())).sum();
            },
            std::plus<float>());
    });
    (void)sink;
    return double(a.size()) * 4 / s;
}

MachineState probeMachineState()
{
    MachineState s;
    {
        const int n = 1024, k = 1024, m = 64;
        static const Linear l(RowMatrix(RowMatrix::Random(n, k) * 0.02f));
        const RowMatrix x = RowMatrix::Random(m, k);
        RowMatrix y;
        l.apply(x, y);
        s.gemmFlops = 2.0 * m * n * k / medianSeconds(15, [&] { l.apply(x, y); });
    }
    {
        static const std::vector<float> a(size_t(1) << 26, 1.0f); // 256 MB: beyond every cache
        s.streamBytesPerS = parallelReadBytesPerS(a, 5);
    }
    return s;
}

double stateDeviation(const MachineState& now, const MachineState& reference)
{
    if (!now.known() || !reference.known()) return 0;
    return std::max(std::fabs(now.gemmFlops / reference.gemmFlops - 1.0),
                    std::fabs(now.streamBytesPerS / reference.streamBytesPerS - 1.0));
}

double stateTolerance() { return environmentNumber("LLMDSE_STATE_TOLERANCE", 0.01, 10, 0.15); }

} // namespace llmdse
