// llmdse validate: measured vs predicted for every row, and the error per phase.
#include "app/Command.h"
#include "core/Errors.h"
#include "app/OutputFormat.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/validation/ValidationReport.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <cmath>
#include <cstdio>

namespace llmdse {

namespace {

std::string pct(double predicted, double measured)
{
    return measured > 0 ? fmt(100.0 * (predicted / measured - 1.0), 3) + "%" : "-";
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Compare the estimator with measured runs: per row, and the mean absolute\n"
                                     "percentage error (MAPE) per phase and for energy.\n"
                                     "Example: llmdse validate --data gpu-measurements.json");
    parser.addHelpOption();
    parser.addOption({"data", "Measurements (JSON, as resources/validation/gpu-measurements.json; default: the bundled\n"
                              "held-out H100/H200 runs, resources/validation/gpu-measurements-extra.json).", "file"});
    parser.addOption({"runtime", "Runtime profile (default: the hardware class's default).", "id"});
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        // Compiled in, so an installed llmdse validates itself from any folder.
        const std::string data = parser.isSet("data") ? parser.value("data").toStdString()
                                                      : std::string(":/validation/gpu-measurements-extra.json");
        const MeasurementSet set = loadMeasurements(data);
        AnalyticalEstimator est;
        const ValidationReport report =
            validateMeasurements(set, est, parser.isSet("runtime") ? parser.value("runtime").toStdString() : "");
        if (format == OutputFormat::Json) {
            std::fputs(QJsonDocument(toJson(report)).toJson(QJsonDocument::Indented).constData(), stdout);
        } else {
            TextTable t({"device", "model", "phase", "batch", "tokens", "measured ms", "predicted ms", "error",
                         "measured J", "predicted J", "error"});
            for (const auto& [m, p] : report.rows)
                t.add({m.device, m.model, toString(m.phase), std::to_string(m.batch), std::to_string(m.tokens),
                       fmt(m.latencyS * 1e3), fmt(p.latencyS * 1e3), pct(p.latencyS, m.latencyS),
                       m.energyJ > 0 ? fmt(m.energyJ) : "-", fmt(p.energyJ), pct(p.energyJ, m.energyJ)});
            const ValidationSummary& s = report.summary;
            std::fputs(t.render().c_str(), stdout);
            std::printf("\nMAPE: prefill latency %.1f%% (%d rows), decode latency %.1f%% (%d rows), "
                        "energy %.1f%% (%d rows; prefill %.1f%%, decode %.1f%%)\n",
                        s.prefillLatencyMape, s.prefillRows, s.decodeLatencyMape, s.decodeRows, s.energyMape,
                        s.energyRows, s.prefillEnergyMape, s.decodeEnergyMape);
        }
        return 0;
    });
}

const bool registered = registerCommand({"validate", "Compare estimates with measured runs (MAPE per phase).", run});

} // namespace
} // namespace llmdse
