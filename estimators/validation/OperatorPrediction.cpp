#include "estimators/validation/OperatorPrediction.h"
#include "core/Errors.h"
#include "core/HardwareZoo.h"
#include "estimators/analytical/OpTiming.h"
#include "estimators/simulation/OpSimulator.h"
#include "models/DesignFields.h"
#include "models/OpConventions.h"

namespace llmdse {

Design designForOperator(const OperatorMeasurement& m, const RuntimeProfile& runtime)
{
    Design d;
    d.hardware = resolveHardware(m.device, "device");
    d.runtime = runtime;
    applyDesignOverrides(d, m.design);
    return d;
}

Op operatorFor(const OperatorMeasurement& m)
{
    Op op;
    op.name = toString(m.kind);
    op.precision = op.weightPrecision = m.precision;
    const double b = bytesPerElement(m.precision);
    if (m.kind == OperatorKind::Matmul) {
        op.cls = OpClass::Matmul;
        op.m = static_cast<std::int64_t>(m.m);
        op.n = static_cast<std::int64_t>(m.n);
        op.k = static_cast<std::int64_t>(m.k);
        op.flops.x0 = 2.0 * m.m * m.n * m.k * m.batch;
        op.weightElements = m.n * m.k * m.batch;
        op.weightBytes = op.weightElements * b;
        op.actBytes.x0 = m.batch * m.m * (m.k + m.n) * b;
        return op;
    }
    // Vector kinds: every element read once and written once, with the graph's per-element arithmetic.
    const double elements = m.m * m.n * m.batch;
    double flopsPerElement = conventions::kGatedActFlops;
    op.cls = OpClass::Activation;
    if (m.kind == OperatorKind::Softmax) op.cls = OpClass::Softmax, flopsPerElement = conventions::kRouterFlops;
    if (m.kind == OperatorKind::LayerNorm) op.cls = OpClass::Norm, flopsPerElement = conventions::kLayerNormFlops;
    if (m.kind == OperatorKind::RmsNorm) op.cls = OpClass::Norm, flopsPerElement = conventions::kRmsNormFlops;
    op.m = static_cast<std::int64_t>(elements);
    op.n = 1;
    op.flops.x0 = flopsPerElement * elements;
    op.actBytes.x0 = 2 * elements * b;
    if (op.cls == OpClass::Norm) op.weightBytes = m.n * b;
    return op;
}

double predictOperator(const std::string& estimator, const Design& d, const OperatorMeasurement& m)
{
    const Op op = operatorFor(m);
    const Phase phase = m.kind == OperatorKind::Matmul && m.m <= 1 ? Phase::Decode : Phase::Prefill;
    if (estimator == "analytical") return timeOp(op, TargetRates(d, phase)).at(0);
    if (estimator == "simulation") {
        if (!d.hardware.accel)
            throw InputError("", "device", "the simulation estimator needs an accelerator template; '" + d.hardware.id + "' has none");
        return OpSimulator(d).simulate(op, phase, 0).seconds;
    }
    throw InputError("", "--estimator", "unknown estimator '" + estimator + "' (analytical or simulation)");
}

} // namespace llmdse
