#pragma once
// The --format option of commands; tables and CSV are in core/TextTable.
#include "core/TextTable.h"

#include <QCommandLineParser>
#include <string>
#include <vector>

namespace llmdse {

enum class OutputFormat { Table, Json, Csv };
void addFormatOption(QCommandLineParser& parser, bool csv = true);
OutputFormat parseFormat(const QCommandLineParser& parser, bool csv = true);

} // namespace llmdse
