#include "core/RuntimeZoo.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"
#include "core/PresetRegistry.h"
#include "core/RuntimeProfileJson.h"

#include <map>
#include <mutex>

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

namespace {

std::mutex gCalibrationMutex;
std::map<std::pair<std::string, std::string>, RuntimeCalibration>& calibrations()
{
    static std::map<std::pair<std::string, std::string>, RuntimeCalibration> c;
    return c;
}

} // namespace

void registerRuntimeCalibration(const std::string& runtimeId, const std::string& hardwareId, RuntimeCalibration c)
{
    std::lock_guard<std::mutex> lock(gCalibrationMutex);
    calibrations()[{runtimeId, hardwareId}] = std::move(c);
}

RuntimeProfile runtimeFor(const RuntimeProfile& named, const HardwareSpec& hw)
{
    RuntimeCalibration c;
    {
        std::lock_guard<std::mutex> lock(gCalibrationMutex);
        auto it = calibrations().find({named.id, hw.id});
        if (it == calibrations().end()) return named;
        c = it->second;
    }
    if (auto p = c(hw)) return *p;
    return named;
}

std::string defaultRuntimeId(HardwareClass c)
{
    switch (c) {
    case HardwareClass::GPU: return "torch-cudagraph";
    case HardwareClass::CPU: return "llama.cpp";
    case HardwareClass::FPGA: return "fpga";
    default: return "dataflow";
    }
}

} // namespace llmdse
