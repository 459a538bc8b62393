// llmdse zoo models|hardware|runtimes: what is bundled, with sources.
#include "app/Command.h"
#include "app/OutputFormat.h"
#include "core/Errors.h"
#include "core/HardwareZoo.h"
#include "core/RuntimeZoo.h"
#include "models/ModelZoo.h"
#include "models/ZooJson.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <cstdio>

namespace llmdse {

namespace {

void print(OutputFormat f, const std::string& what, const TextTable& table)
{
    if (f == OutputFormat::Json)
        std::fputs(QJsonDocument(zooJson(what)).toJson(QJsonDocument::Indented).constData(), stdout);
    else
        std::fputs(table.render().c_str(), stdout);
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("List the bundled models, hardware presets or runtime profiles.");
    parser.addHelpOption();
    parser.addPositionalArgument("what", "models, hardware or runtimes");
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat f = parseFormat(parser, false);
        const QStringList pos = parser.positionalArguments();
        const std::string what = pos.isEmpty() ? "" : pos[0].toStdString();
        if (what == "models") {
            TextTable t({"id", "family", "params", "active", "layers", "hidden", "heads/kv", "experts", "source"});
            for (const auto& m : modelZoo())
                t.add({m.id, m.family, fmt(m.totalParams() / 1e9, 4) + "B", fmt(m.activeParamsPerToken() / 1e9, 4) + "B",
                       std::to_string(m.layers), std::to_string(m.hidden),
                       std::to_string(m.heads) + "/" + std::to_string(m.kvHeads),
                       m.isMoe() ? std::to_string(m.experts) + " top-" + std::to_string(m.expertsPerToken) : "-",
                       m.source});
            print(f, what, t);
        } else if (what == "hardware") {
            TextTable t({"id", "class", "fp16 TFLOP/s", "memory", "GB", "GB/s", "TDP W", "node nm", "name"});
            for (const auto& hw : hardwareZoo())
                t.add({hw.id, toString(hw.cls), fmt(hw.peakFor(Precision::FP16) / 1e12, 4), hw.mainMemory().name,
                       fmt(hw.mainMemory().capacityBytes / 1e9, 4), fmt(hw.mainMemory().bandwidthBytesPerS / 1e9, 5),
                       fmt(hw.tdpW, 4), fmt(hw.processNm, 3), hw.name});
            print(f, what, t);
        } else if (what == "runtimes") {
            TextTable t({"id", "kernel us", "gemm eff", "bw eff", "description"});
            for (const auto& r : runtimeZoo())
                t.add({r.id, fmt(r.kernelOverheadS * 1e6, 3), fmt(r.gemmEfficiency, 3), fmt(r.bandwidthEfficiency, 3),
                       r.description.substr(0, 70)});
            print(f, what, t);
        } else {
            zooJson(what); // names the field and the choices
        }
        return 0;
    });
}

const bool registered = registerCommand({"zoo", "List bundled models, hardware presets and runtime profiles.", run});

} // namespace
} // namespace llmdse
