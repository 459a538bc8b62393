#include "core/HardwareZoo.h"
#include "core/HardwareSpecJson.h"
#include "core/PresetRegistry.h"

namespace llmdse {

static PresetRegistry<HardwareSpec>& registry()
{
    static PresetRegistry<HardwareSpec> r("hardware", "hardware preset", "llmdse zoo hardware", &hardwareFromJson);
    return r;
}

const std::vector<HardwareSpec>& hardwareZoo() { return registry().bundled(); }

void registerHardwareProvider(const std::string& id, std::function<HardwareSpec()> make)
{
    registry().addProvider(id, std::move(make));
}

HardwareSpec resolveHardware(const std::string& idOrPath, const std::string& field)
{
    return registry().resolve(idOrPath, field);
}

} // namespace llmdse
