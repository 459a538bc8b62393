#pragma once
#include "core/HardwareSpec.h"
#include <QJsonObject>

namespace llmdse {

// Units live in the key names (bandwidth_gb_s, capacity_gb, peak_tflops ...).
HardwareSpec hardwareFromJson(const QJsonObject& obj, const std::string& file = "");
QJsonObject toJson(const HardwareSpec& hw);

} // namespace llmdse
