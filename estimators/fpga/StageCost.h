#pragma once
// What one stage costs at a given parallelism (MAC lanes) and share of the memory ports:
// its resources and its initiation interval. Every resource grows and the interval
// shrinks with both, which is what makes the dataflow allocator's search exact.
#include "estimators/fpga/FpgaPlan.h"
#include "estimators/fpga/FpgaTarget.h"

namespace llmdse {

// Lanes unroll the reduction (K) first, then the outputs; the input vector is partitioned
// cyclically by the K unroll so each lane reads its operand in the same clock.
int reductionUnroll(const StageWork& w, int lanes);

FpgaResources stageResources(const FpgaTarget& t, const StageWork& w, int lanes, int channels, int vectorLanes);
double stageBufferBytes(const FpgaTarget& t, const StageWork& w, int channels);
double stageComputeCycles(const StageWork& w, int lanes, int vectorLanes, int batch = 1);
double stageMemoryCycles(const FpgaTarget& t, const StageWork& w, int channels, int batch = 1);
// Lanes beyond the stage's MACs per item never shorten it.
int usefulLanes(const StageWork& w);

FpgaStage makeStage(const FpgaTarget& t, const StageWork& w, int lanes, int channels, int vectorLanes);

} // namespace llmdse
