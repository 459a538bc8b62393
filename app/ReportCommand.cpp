// llmdse report: one design as an HTML or PDF report (charts, inputs, metrics,
// per-operator table, provenance), rendered headless.
#include "app/Command.h"
#include "app/DesignOptions.h"
#include "core/Errors.h"
#include "estimators/simulation/SimCache.h"
#include "ui/DesignReport.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <cstdio>

namespace llmdse {

namespace {

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Write a report of one design: inputs, metrics with units, charts, per-operator costs and the provenance\n"
        "of every preset, profile and estimator. HTML (images embedded) or PDF, by the extension of --out.\n"
        "Example: llmdse report --design design.json --out report.pdf");
    parser.addHelpOption();
    addDesignOptions(parser);
    parser.addOption({"out", "Report file: .html or .pdf.", "file"});
    parser.addOption({"estimator", "Estimator: analytical (default) or simulation.", "name", "analytical"});
    parser.addOption({"sim-cache", "Simulation cache file ('none': memory only).", "file"});
    parser.process(args);
    return guarded([&] {
        if (!parser.isSet("out")) throw InputError("", "--out", "missing: the report file (.html or .pdf)");
        const QString out = parser.value("out");
        if (!out.endsWith(".html", Qt::CaseInsensitive) && !out.endsWith(".htm", Qt::CaseInsensitive) &&
            !out.endsWith(".pdf", Qt::CaseInsensitive))
            throw InputError("", "--out", "expected a .html or .pdf file, got '" + out.toStdString() + "'");
        if (parser.isSet("sim-cache")) setDefaultSimCachePath(parser.value("sim-cache").toStdString());
        const Design d = designFromOptions(parser);
        makeDesignReport(d, parser.value("estimator")).write(out);
        std::printf("wrote %s (%lld bytes)\n", qPrintable(out), static_cast<long long>(QFileInfo(out).size()));
        return 0;
    });
}

const bool registered = registerCommand({"report", "Write an HTML or PDF report of one design.", run, true});

} // namespace
} // namespace llmdse
