#pragma once
// Command-line options for every design parameter (--model, --batch, ...),
// plus --set key=value for dotted parameters, turned into a Design.
#include "core/Design.h"

#include <QCommandLineParser>
#include <QJsonObject>

namespace llmdse {

// withWorkload = false leaves out --batch, --prompt, --output and --context, for
// commands that define the workload themselves (serve-sim); pass the same value
// to all three functions.
void addDesignOptions(QCommandLineParser& parser, bool withWorkload = true);
// The options the user gave, as a flat design object (keys as in design files).
QJsonObject designOptionsToJson(const QCommandLineParser& parser, bool withWorkload = true);
// `--design FILE` (if any) overlaid with the explicit options.
Design designFromOptions(const QCommandLineParser& parser, bool withWorkload = true);
// "8" -> number, "true" -> bool, else string, as the parameter's kind wants.
QJsonValue parseOptionValue(const std::string& key, const QString& text);

} // namespace llmdse
