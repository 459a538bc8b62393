#pragma once
// `llmdse compile`: a model mapped onto an FPGA card in one of two styles. Dataflow: one
// hardware stage per operator group, all stages at work at once on successive items (a
// sequence's pass through one layer), each with its own MAC lanes and its own memory ports
// (the ports are partitioned, as HLS binds each stage's AXI bundle to its own HBM channels),
// sized so the stages' intervals balance. Overlay (FlightLLM-style): one engine as large as
// the part allows, reused by every operator group of every layer in turn, streaming through
// all the ports.
#include "core/Design.h"
#include "core/HardwareSpec.h"
#include "core/ModelSpec.h"
#include "core/Optimizations.h"
#include "estimators/fpga/FpgaPlan.h"
#include "estimators/fpga/FpgaStageWork.h"
#include "estimators/fpga/FpgaTarget.h"

#include <memory>

namespace llmdse {

struct FpgaCompileRequest {
    ModelSpec model;
    Optimizations opts;
    int batch = 1;
    int prompt = 128;
    int output = 256;
    double clockGhz = 0; // 0: the part's achievable clock
    int fixedContext = 0;  // > 0: plan decode at this context
    // The context decode is planned at: the middle of the generation unless fixed.
    int context() const { return fixedContext > 0 ? fixedContext : prompt + output / 2; }
};

// The model, formats and workload of a design (its clock: the part's).
FpgaCompileRequest fpgaRequest(const Design& d);

class FpgaPlanner {
public:
    virtual ~FpgaPlanner() = default;
    virtual FpgaStyle style() const = 0;
    // Stages, their allocation and the design's timing (power is added by compileFpga).
    virtual FpgaPlan plan(const FpgaTarget& t, const FpgaWorkload& w, const FpgaCompileRequest& r) const = 0;
};

std::unique_ptr<FpgaPlanner> createFpgaPlanner(FpgaStyle style);

// Resolves the card, plans, and adds power and provenance. Throws InputError naming the field.
FpgaPlan compileFpga(const HardwareSpec& hw, const FpgaCompileRequest& r, FpgaStyle style);

} // namespace llmdse
