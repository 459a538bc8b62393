#pragma once
#include "core/HardwareSpec.h"
#include <functional>
#include <vector>

namespace llmdse {

// The bundled presets (resources/hardware), loaded once.
const std::vector<HardwareSpec>& hardwareZoo();
// Presets computed at run time (e.g. "host", measured on this machine).
void registerHardwareProvider(const std::string& id, std::function<HardwareSpec()> make);
// A zoo id or a path to a hardware JSON file; InputError naming `field` otherwise.
HardwareSpec resolveHardware(const std::string& idOrPath, const std::string& field = "hardware");

} // namespace llmdse
