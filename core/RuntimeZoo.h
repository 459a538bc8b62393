#pragma once
#include "core/HardwareSpec.h"
#include "core/RuntimeProfile.h"
#include <functional>
#include <vector>

namespace llmdse {

const std::vector<RuntimeProfile>& runtimeZoo();
void registerRuntimeProvider(const std::string& id, std::function<RuntimeProfile()> make);
RuntimeProfile resolveRuntime(const std::string& idOrPath, const std::string& field = "runtime");
// The profile used when none is named: the calibrated GPU stack for GPUs,
// llama.cpp for CPUs, a compiled dataflow runtime for accelerators.
std::string defaultRuntimeId(HardwareClass c);

} // namespace llmdse
