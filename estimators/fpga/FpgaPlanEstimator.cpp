#include "estimators/fpga/FpgaPlanEstimator.h"
#include "core/Errors.h"
#include "estimators/PhaseSummary.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/fpga/FpgaPlanner.h"
#include "estimators/fpga/FpgaTarget.h"

namespace llmdse {

FpgaPlanEstimator::FpgaPlanEstimator(FpgaStyle style) : style_(style) {}

FpgaPlanEstimator::FpgaPlanEstimator(FpgaPlan plan, std::string file)
    : style_(plan.style), plan_(std::move(plan)), file_(std::move(file))
{
}

std::string FpgaPlanEstimator::id() const { return plan_ ? "fpga-plan" : std::string("fpga-") + toString(style_); }

std::string FpgaPlanEstimator::provenance() const
{
    const std::string what = "decode and prefill time and power from ";
    const std::string rest = "; memory footprint and per-operator list from the analytical estimator";
    if (plan_)
        return what + "the compiled FPGA plan " + file_ + " (" + toString(plan_->style) + " on " + plan_->part + " at " +
               std::to_string(int(plan_->clockGhz * 1e3 + 0.5)) + " MHz, " + plan_->weights + " weights)" + rest;
    return what + "an FPGA plan compiled for each design (" + toString(style_) + " style, as llmdse compile)" + rest +
           (style_ == FpgaStyle::Overlay
                ? "; the default estimator of FPGA cards: their speed is the compiled design's (its clock, the AXI ports "
                  "that clock drives, the lanes its DSPs hold), which the analytical roofline of the part's peaks does not see"
                : "");
}

namespace {

// What a compiled plan describes: one card decoding plainly from a text prompt, a dense decoder.
bool planMaps(const Design& d)
{
    return d.parallel.devices() == 1 && !d.opts.spec.enabled() && d.workload.images == 0;
}

} // namespace

Metrics FpgaPlanEstimator::estimate(const Design& d, bool withOps) const
{
    Metrics m = AnalyticalEstimator().evaluate(d, withOps);
    if (!planMaps(d))
        throw InputError("", "estimator", "FPGA plans map one card, plain decoding, text prompts only");
    FpgaPlan p;
    if (plan_) {
        p = *plan_;
        auto mismatch = [&](const char* field, const std::string& plan, const std::string& design) {
            if (plan != design)
                throw InputError(file_, field, "the plan is for " + plan + ", the design asks for " + design);
        };
        mismatch("model", p.model, d.model.id);
        mismatch("hardware", p.hardware, d.hardware.id);
        mismatch("weights", p.weights, toString(d.opts.weights));
        mismatch("batch", std::to_string(p.batch), std::to_string(d.workload.batch));
    } else {
        p = compileFpga(d.hardware, fpgaRequest(d), style_);
    }
    // Static power over the plan's time; the analytical dynamic energy of prefill is kept (same work).
    const double analyticalPrefillStatic = p.staticW * m.prefill.timeS;
    m.prefill.energyJ = std::max(0.0, m.prefill.energyJ - analyticalPrefillStatic) + p.staticW * p.prefillS;
    m.prefill.timeS = p.prefillS;
    const double steps = m.decodeStep.timeS > 0 ? m.decodeTotal.timeS / m.decodeStep.timeS : 0;
    m.decodeStep.timeS = p.decodeStepS;
    m.decodeStep.energyJ = p.powerW * p.decodeStepS;
    m.decodeTotal.timeS = steps * p.decodeStepS;
    m.decodeTotal.energyJ = steps * m.decodeStep.energyJ;
    m.fpgaUtilisation = p.utilisation();
    summarisePhases(d, m);
    return m;
}

void registerFpgaEstimators()
{
    registerEstimator("fpga-overlay", [] { return std::make_unique<FpgaPlanEstimator>(FpgaStyle::Overlay); });
    registerEstimator("fpga-dataflow", [] { return std::make_unique<FpgaPlanEstimator>(FpgaStyle::Dataflow); });
    // An FPGA's speed is the design compiled onto it: the clock it closes at, the AXI ports that
    // clock drives, the lanes its DSPs hold. The analytical roofline sees only the part's peaks at a
    // generic clock and a placeholder vector unit, so FPGA cards default to a compiled plan (the
    // overlay: one engine for every layer, as published FPGA LLM designs at batch 1 are built).
    // Cards only: an accelerator template describes its own engine (array, vector unit, buffers),
    // which a compiled plan would replace, so templates keep the analytical estimator.
    registerClassEstimator(HardwareClass::FPGA, "fpga-overlay", [](const Design& d) {
        return planMaps(d) && !d.model.isMoe() && !d.hardware.accel && fpgaTargetKnown(d.hardware);
    });
}

} // namespace llmdse
