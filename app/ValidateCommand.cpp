// llmdse validate: measured vs predicted for every row, and the error per phase; operators timed alone
// (microbenchmarks) are compared one by one with the median and mean absolute error.
#include "app/Command.h"
#include "core/Errors.h"
#include "app/OutputFormat.h"
#include "estimators/Estimator.h"
#include "app/ValidateLiterature.h"
#include "estimators/uncertainty/ResidualBands.h"
#include "estimators/validation/ValidationReport.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <cstdio>

namespace llmdse {

namespace {

std::string pct(double predicted, double measured)
{
    return measured > 0 ? fmt(100.0 * (predicted / measured - 1.0), 3) + "%" : "-";
}

std::string shapeOf(const OperatorMeasurement& m)
{
    auto n = [](double v) { return std::to_string(static_cast<long long>(v)); };
    std::string s = m.kind == OperatorKind::Matmul ? n(m.m) + "x" + n(m.n) + "x" + n(m.k) : n(m.m) + "x" + n(m.n);
    return m.batch > 1 ? n(m.batch) + " x " + s : s;
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Compare an estimator with measurements: whole-model runs per row with the mean\n"
                                     "absolute percentage error (MAPE) per phase and for energy, and operators timed\n"
                                     "alone (matmul, softmax, layernorm, rmsnorm, gelu) per row with the median and\n"
                                     "mean absolute error; or (--literature) with the survey's published results.\n"
                                     "Example: llmdse validate --data gpu-measurements.json\n"
                                     "         llmdse validate --data resources/validation/operator-measurements.json "
                                     "--estimator simulation\n"
                                     "         llmdse validate --literature --class gpu");
    parser.addHelpOption();
    parser.addOption({"data", "Measurements (JSON: 'runs' as resources/validation/gpu-measurements.json, 'ops' as\n"
                              "resources/validation/operator-measurements.json, or both; default: the bundled\n"
                              "held-out H100/H200 runs, resources/validation/gpu-measurements-extra.json).", "file"});
    parser.addOption({"runtime", "Runtime profile (default: the hardware class's default).", "id"});
    parser.addOption({"estimator", "analytical (default; with --literature: each row's hardware class's, fpga-overlay for\n"
                                  "FPGA cards), simulation (accelerator templates only), fpga-overlay or fpga-dataflow.", "id"});
    parser.addOption({"literature", "Compare with the survey's published batch-1 decode results instead\n"
                                    "(resources/literature: mapped to presets by the rules of mapping.json)."});
    parser.addOption({"class", "With --literature: only rows of this platform class (cpu, gpu, fpga, asic, pim).",
                      "class"});
    parser.addOption({"bands", "Print the 90% bands of measured / predicted per phase and metric (the error model's\n"
                               "\"bands\" for this data and runtime, resources/uncertainty/error-model.json) as JSON."});
    parser.addOption({"rules", "With --literature: mapping rules (JSON, as resources/literature/mapping.json).", "file"});
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        if (!parser.isSet("literature") && (parser.isSet("class") || parser.isSet("rules")))
            throw InputError("", parser.isSet("class") ? "--class" : "--rules", "needs --literature");
        if (parser.isSet("literature")) {
            if (parser.isSet("data") || parser.isSet("runtime") || parser.isSet("bands"))
                throw InputError("", parser.isSet("data") ? "--data" : parser.isSet("runtime") ? "--runtime" : "--bands",
                                 "not with --literature (each row's runtime comes from the mapping rules)");
            printLiteratureValidation(format, parser.value("class").toStdString(), parser.value("rules").toStdString(),
                                      parser.value("estimator").toStdString());
            return 0;
        }
        // Compiled in, so an installed llmdse validates itself from any folder.
        const std::string data = parser.isSet("data") ? parser.value("data").toStdString()
                                                      : std::string(":/validation/gpu-measurements-extra.json");
        const auto est = createEstimator(parser.isSet("estimator") ? parser.value("estimator").toStdString() : "analytical");
        const MeasurementSet set = loadMeasurements(data);
        const ValidationReport report =
            validateMeasurements(set, *est, parser.isSet("runtime") ? parser.value("runtime").toStdString() : "");
        if (parser.isSet("bands")) {
            std::vector<RowPrediction> preds;
            for (const auto& r : report.rows) preds.push_back(r.predicted);
            const QJsonObject o{{"data", QString::fromStdString(data)}, {"bands", residualBandsJson(set, preds, 0.9)}};
            std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
            return 0;
        }
        if (format == OutputFormat::Json) {
            std::fputs(QJsonDocument(toJson(report)).toJson(QJsonDocument::Indented).constData(), stdout);
            return 0;
        }
        if (!report.rows.empty()) {
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
        if (!report.ops.empty()) {
            if (!report.rows.empty()) std::printf("\n");
            TextTable t({"device", "op", "shape", "precision", "measured ms", "predicted ms", "error"});
            for (const auto& [m, p] : report.ops)
                t.add({m.device, toString(m.kind), shapeOf(m), toString(m.precision), fmt(m.latencyS * 1e3), fmt(p * 1e3),
                       pct(p, m.latencyS)});
            std::fputs(t.render().c_str(), stdout);
            std::printf("\nOperators (%s estimator): median |error| %.1f%%, mean |error| %.1f%% (%zu rows)\n",
                        report.estimator.c_str(), report.opsMedianAbsPercent, report.opsMeanAbsPercent, report.ops.size());
        }
        return 0;
    });
}

const bool registered = registerCommand({"validate", "Compare estimates with measured runs and operators.", run});

} // namespace
} // namespace llmdse
