#pragma once
// A design as a flat JSON object with the same keys as `evaluate`'s long
// options ("model", "hardware", "batch", "weights", "hardware.memory_bandwidth" ...).
#include "core/Design.h"
#include "core/RecordWriter.h"
#include <QJsonObject>
#include <string>
#include <utility>
#include <vector>

namespace llmdse {

// A design's keys and values in any order (a Python dict, say): what a design object holds.
using DesignValues = std::vector<std::pair<std::string, QJsonValue>>;

// `model` and `hardware` are required; the runtime defaults by hardware class.
// Errors name `file` and the offending key (prefixed with `path`, e.g. "base.batch").
Design designFromJson(const QJsonObject& obj, const std::string& file = "", const std::string& path = "");
Design designFromValues(DesignValues values, const std::string& file = "", const std::string& path = "");
Design readDesignFile(const std::string& file);
// The design's record: the main keys, switched-on optimisations, template parameters, and
// whatever differs from the presets its ids name (so it reloads as this design).
void writeDesign(RecordWriter& w, const Design& d);
QJsonObject toJson(const Design& d);

} // namespace llmdse
