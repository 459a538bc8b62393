#include "core/RuntimeZoo.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"
#include "core/PresetRegistry.h"
#include "core/RuntimeProfileJson.h"

namespace llmdse {

static PresetRegistry<RuntimeProfile>& registry()
{
    static PresetRegistry<RuntimeProfile> r("runtimes", "runtime profile", "llmdse zoo runtimes", &runtimeFromJson);
    return r;
}

const std::vector<RuntimeProfile>& runtimeZoo() { return registry().bundled(); }

void registerRuntimeProvider(const std::string& id, std::function<RuntimeProfile()> make)
{
    registry().addProvider(id, std::move(make));
}

RuntimeProfile resolveRuntime(const std::string& idOrPath, const std::string& field)
{
    return registry().resolve(idOrPath, field);
}

std::string defaultRuntimeId(HardwareClass c)
{
    switch (c) {
    case HardwareClass::GPU: return "torch-cudagraph";
    case HardwareClass::CPU: return "llama.cpp";
    default: return "dataflow";
    }
}

} // namespace llmdse
