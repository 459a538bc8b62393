#pragma once
// The compute and memory rate this computer delivers right now. On a shared virtual machine
// both move by 2-3x from second to second (a neighbour on the same physical cores or memory
// channels); a prediction made from the host measurements only describes a run made while the
// machine delivered what it delivered when it was measured. A probe takes about 0.1 s.
#include <functional>
#include <vector>

namespace llmdse {

// The median wall time of `reps` calls (medians, not bests: the models predicted from these
// rates run for seconds on a shared machine).
double medianSeconds(int reps, const std::function<void()>& f);
// Bytes per second of a parallel read of `a` on every core, median of `reps`.
double parallelReadBytesPerS(const std::vector<float>& a, int reps);

struct MachineState {
    double gemmFlops = 0;       // fp32 GEMM (1024 x 1024 weights, 64 rows), every core
    double streamBytesPerS = 0; // parallel read of 256 MB
    bool known() const { return gemmFlops > 0 && streamBytesPerS > 0; }
};

MachineState probeMachineState();
// The larger relative departure of `now` from `reference` over the two rates (0: the same).
double stateDeviation(const MachineState& now, const MachineState& reference);
// How far a run's machine state may depart from the reference and still count (default 0.15;
// LLMDSE_STATE_TOLERANCE overrides, 0.01-10).
double stateTolerance();

} // namespace llmdse
