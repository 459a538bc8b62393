#pragma once
// A design as a flat JSON object with the same keys as `evaluate`'s long
// options ("model", "hardware", "batch", "weights", "hardware.memory_bandwidth" ...).
#include "core/Design.h"
#include <QJsonObject>

namespace llmdse {

// `model` and `hardware` are required; the runtime defaults by hardware class.
// Errors name `file` and the offending key (prefixed with `path`, e.g. "base.batch").
Design designFromJson(const QJsonObject& obj, const std::string& file = "", const std::string& path = "");
Design readDesignFile(const std::string& file);
QJsonObject toJson(const Design& d);

} // namespace llmdse
