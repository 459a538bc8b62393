#pragma once
// Command-line options for every design parameter (--model, --batch, ...),
// plus --set key=value for dotted parameters, turned into a Design.
#include "core/Design.h"

#include <QCommandLineParser>
#include <QJsonObject>

namespace llmdse {

void addDesignOptions(QCommandLineParser& parser);
// The options the user gave, as a flat design object (keys as in design files).
QJsonObject designOptionsToJson(const QCommandLineParser& parser);
// `--design FILE` (if any) overlaid with the explicit options.
Design designFromOptions(const QCommandLineParser& parser);
// "8" -> number, "true" -> bool, else string, as the parameter's kind wants.
QJsonValue parseOptionValue(const std::string& key, const QString& text);

} // namespace llmdse
