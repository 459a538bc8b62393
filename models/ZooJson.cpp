#include "models/ZooJson.h"
#include "core/Errors.h"
#include "core/HardwareSpecJson.h"
#include "core/HardwareZoo.h"
#include "core/RuntimeProfileJson.h"
#include "core/RuntimeZoo.h"
#include "models/ModelSpecJson.h"
#include "models/ModelZoo.h"

namespace llmdse {

QJsonArray zooJson(const std::string& what, const std::string& field)
{
    QJsonArray json;
    if (what == "models") {
        for (const auto& m : modelZoo()) json.append(toHfConfig(m));
    } else if (what == "hardware") {
        for (const auto& hw : hardwareZoo()) json.append(toJson(hw));
    } else if (what == "runtimes") {
        for (const auto& r : runtimeZoo()) json.append(toJson(r));
    } else {
        throw InputError("", field, "expected 'models', 'hardware' or 'runtimes'");
    }
    return json;
}

} // namespace llmdse
