#pragma once
// The bundled presets as JSON, the shape `llmdse zoo WHAT --format json` prints
// (and the Python module returns): one object per model, hardware preset or runtime.
#include <QJsonArray>
#include <string>

namespace llmdse {

// what: "models", "hardware" or "runtimes"; InputError(field) otherwise.
QJsonArray zooJson(const std::string& what, const std::string& field = "what");

} // namespace llmdse
