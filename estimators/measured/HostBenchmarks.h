#pragma once
// Microbenchmarks of this computer as the reference engine uses it: its own
// GEMM kernels per weight format, one-core and all-core memory bandwidth,
// attention and elementwise rates and the fixed cost per dispatched op.
// They define the `host` hardware preset and the `reference-engine` profile,
// independently of any model a user later checks.
#include "core/HardwareSpec.h"
#include "core/RuntimeProfile.h"
#include "estimators/measured/MachineState.h"

#include <QJsonObject>
#include <string>

namespace llmdse {

struct HostMeasurements {
    std::string cpu;
    int cores = 1;
    double memoryBytes = 0;
    double gemmFlops[3] = {};        // fp32, int8, int4 weights (fp32 activations), 256 rows
    double packWeightsPerS = 0;      // weight repacking of multi-row GEMMs (elements/s), from a 16-row GEMM
    double gemvSPerWeight[2] = {};   // batch-1 GEMV time per int8, int4 weight (unpack-bound upper bound)
    double gemvSPerGroup = 0;        // and per fp16 scale group
    double streamAllCores = 0;       // bytes/s, parallel read
    double streamOneCore = 0;        // bytes/s
    double gemvBytesPerS = 0;        // fp32 GEMV, all cores
    double attentionFlops = 0;       // the engine's attention loop
    double elementwiseBytesPerS = 0; // the engine's copies (KV write, embedding gather)
    double vectorFlops = 0;          // RMSNorm FLOPs/s: the reference rate for elementwise work
    double ropeFactor = 1, activationFactor = 1, residualFactor = 1; // their time per FLOP / RMSNorm's
    double opOverheadS = 0;          // fixed cost per dispatched op
    MachineState state;              // the quick probe around the measurement: what later runs are compared with
    std::string measuredAt;
};

HostMeasurements measureHost();
QJsonObject toJson(const HostMeasurements& m);
HostMeasurements hostFromJson(const QJsonObject& o, const std::string& file);

HardwareSpec hostHardware(const HostMeasurements& m);
RuntimeProfile referenceEngineProfile(const HostMeasurements& m);

// Cached in the user's data folder; measured when missing or when refresh is set.
HostMeasurements hostMeasurements(bool refresh = false, bool* measuredNow = nullptr);
std::string hostCachePath();
// Makes "host" and "reference-engine" resolvable by id (measuring on first use).
void registerHostPresets();

} // namespace llmdse
