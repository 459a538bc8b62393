#include "core/RuntimeZoo.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"
#include "core/RuntimeProfileJson.h"

namespace llmdse {

const std::vector<RuntimeProfile>& runtimeZoo()
{
    static const std::vector<RuntimeProfile> zoo = [] {
        std::vector<RuntimeProfile> v;
        for (const auto& path : bundledFiles("runtimes"))
            v.push_back(runtimeFromJson(parseJsonObject(readBundled(path), path), path));
        return v;
    }();
    return zoo;
}

RuntimeProfile resolveRuntime(const std::string& idOrPath, const std::string& field)
{
    for (const auto& p : runtimeZoo())
        if (p.id == idOrPath) return p;
    if (fileExists(idOrPath)) return runtimeFromJson(readJsonObjectFile(idOrPath), idOrPath);
    throw InputError("", field, "unknown runtime profile '" + idOrPath +
                                    "' (not a zoo id and no such file; `llmdse zoo runtimes` lists them)");
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
