#pragma once
// Every design parameter a user can set by name: CLI options, design files,
// study `base` and `grid` keys (dotted paths such as hardware.memory_bandwidth).
// Values are parsed and checked once; applying one to a Design is cheap, which
// is what lets a sweep evaluate millions of points.
#include "core/Design.h"

#include <QJsonValue>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llmdse {

struct FieldValue {
    double number = 0;
    std::string text;
    std::shared_ptr<const void> resolved; // pre-resolved ModelSpec / HardwareSpec / RuntimeProfile
};

struct DesignField {
    enum class Kind { Integer, Number, Text, Boolean };
    std::string key;
    Kind kind = Kind::Number;
    std::string unit;
    std::string help;
    // Checks and converts a JSON value; throws InputError naming `where`.
    std::function<FieldValue(const QJsonValue&, const std::string& where)> parse;
    std::function<void(Design&, const FieldValue&)> apply;
    std::function<QJsonValue(const Design&)> read;
};

const std::vector<DesignField>& designFields();
const DesignField* findDesignField(const std::string& key);
// Like find, but throws InputError(where, "unknown parameter ...") with the list of keys.
const DesignField& requireDesignField(const std::string& key, const std::string& where);

} // namespace llmdse
