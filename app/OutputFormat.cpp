#include "app/OutputFormat.h"
#include "core/Errors.h"

#include <algorithm>
#include <cstdio>

namespace llmdse {

void addFormatOption(QCommandLineParser& parser, bool csv)
{
    parser.addOption({"format", csv ? "Output format: table, json or csv (default table)." : "Output format: table or json.",
                      "fmt", "table"});
}

OutputFormat parseFormat(const QCommandLineParser& parser, bool csv)
{
    const QString f = parser.value("format");
    if (f == "table") return OutputFormat::Table;
    if (f == "json") return OutputFormat::Json;
    if (f == "csv" && csv) return OutputFormat::Csv;
    throw InputError("", "--format", "unknown format '" + f.toStdString() + (csv ? "' (table, json, csv)" : "' (table, json)"));
}

} // namespace llmdse
