#include "estimators/measured/CheckPlan.h"
#include "core/Errors.h"
#include "core/HostMemory.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/measured/HostBenchmarks.h"
#include "estimators/measured/HostCheck.h"
#include "estimators/measured/LlamaCppCheck.h"
#include "models/engine/ModelWeights.h"

#include <QFileInfo>
#include <algorithm>
#include <thread>

namespace llmdse {

CheckPlan planCheck(const ModelSpec& spec, CheckEngine engine, const CheckRequestShape& r)
{
    CheckPlan p;
    p.availableBytes = availableMemoryBytes();
    // The engine holds fp32 weights (llama.cpp's GGUF is exported from them) plus what the generation allocates.
    const double weights = engineBytes(spec);
    const double generation = generationBytes(spec, r.batch, r.prompt, r.output);
    p.ramBytes = engine == CheckEngine::Reference ? weights + generation : std::max(weights, generation);
    try {
        requireMemory(p.ramBytes, "model", spec.id + ": the check");
    } catch (const InputError& e) {
        p.refusal = e.reason();
    }
    if (!QFileInfo::exists(QString::fromStdString(hostCachePath()))) return p; // measuring would take seconds here
    try {
        const int threads = int(std::max(1u, std::thread::hardware_concurrency()));
        const Design d = engine == CheckEngine::Reference
                             ? hostCheckDesign(spec, hostMeasurements(), r.batch, r.prompt, r.output, r.weights)
                             : llamaCppHostDesign(spec, r.ggml, threads, r.prompt, r.output);
        const Metrics m = AnalyticalEstimator().evaluate(d);
        // A warm-up and `repeat` runs, each a prefill and output - 1 decode steps.
        const int runs = r.repeat + (engine == CheckEngine::Reference ? 1 : 0);
        p.expectedS = runs * (m.prefill.timeS + (r.output - 1) * m.decodeStep.timeS);
    } catch (const std::exception&) {
        p.expectedS = -1; // a shape the host design refuses: the run will say why
    }
    return p;
}

} // namespace llmdse
