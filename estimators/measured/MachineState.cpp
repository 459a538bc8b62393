#include "estimators/measured/MachineState.h"
#include "estimators/measured/CpuContention.h"
#include "models/engine/Linear.h"
#include "models/engine/VectorMath.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>
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
    // One contiguous slice a worker (a static partition): each core streams its own region, as a
    // decode step's products do, and no task starts in the middle of the measurement.
    const size_t slice = (a.size() + size_t(oneapi::tbb::this_task_arena::max_concurrency()) - 1) /
                         size_t(oneapi::tbb::this_task_arena::max_concurrency());
    const double s = medianSeconds(reps, [&] {
        sink = oneapi::tbb::parallel_reduce(
            oneapi::tbb::blocked_range<size_t>(0, a.size(), std::max<size_t>(slice, 1)), 0.0f,
            [&](const auto& r, float acc) { return acc + kernels::sumFloats(a.data() + r.begin(), r.size()); }, std::plus<float>(),
            oneapi::tbb::static_partitioner());
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
