#pragma once
#include "core/HardwareSpec.h"
#include "core/RuntimeProfile.h"
#include <functional>
#include <optional>
#include <vector>

namespace llmdse {

const std::vector<RuntimeProfile>& runtimeZoo();
void registerRuntimeProvider(const std::string& id, std::function<RuntimeProfile()> make);
RuntimeProfile resolveRuntime(const std::string& idOrPath, const std::string& field = "runtime");
// A runtime profile calibrated for one hardware preset (llama.cpp fitted on this computer by
// `calibrate --runtime llama.cpp --host`, say). Whenever a design pairs that runtime, named by
// its id, with that hardware, the calibration replaces the bundled profile; it returns nothing
// when it has no fit for the hardware as configured (e.g. for its thread count).
using RuntimeCalibration = std::function<std::optional<RuntimeProfile>(const HardwareSpec&)>;
void registerRuntimeCalibration(const std::string& runtimeId, const std::string& hardwareId, RuntimeCalibration c);
// `named` (a zoo profile of that id), or its calibration for `hw` when there is one.
RuntimeProfile runtimeFor(const RuntimeProfile& named, const HardwareSpec& hw);
// The profile used when none is named: the calibrated GPU stack for GPUs,
// llama.cpp for CPUs, a compiled overlay for FPGAs, a compiled dataflow runtime for other accelerators.
std::string defaultRuntimeId(HardwareClass c);

} // namespace llmdse
