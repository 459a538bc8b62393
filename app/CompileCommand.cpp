// llmdse compile: map a model onto an FPGA card (dataflow or overlay), write the plan, and
// optionally the HLS C++ of one decoder layer with a C-simulation testbench.
#include "app/Command.h"
#include "app/DesignOptions.h"
#include "app/OutputFormat.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/Units.h"
#include "estimators/fpga/FpgaPlanJson.h"
#include "estimators/fpga/FpgaPlanner.h"
#include "estimators/fpga/HlsEmitter.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <cstdio>

namespace llmdse {

namespace {

void printPlan(const FpgaPlan& p)
{
    std::printf("FPGA plan: %s on %s (%s), %s style, %s weights, %s MHz, batch %d, decode at context %d\n\n",
                p.model.c_str(), p.hardware.c_str(), p.partName.c_str(), toString(p.style), p.weights.c_str(),
                fmt(p.clockGhz * 1e3, 4).c_str(), p.batch, p.context);
    TextTable t({"stage", "items/token", "datapath", "parallelism", "ports", "DSP", "BRAM36", "URAM", "kLUT",
                 "buffers", "II cycles", "bound", "operators"});
    for (const FpgaStage& s : p.stages)
        t.add({s.work.name, std::to_string(s.work.perToken), toString(s.work.datapath), std::to_string(s.lanes),
               std::to_string(s.channels), fmt(s.resources.dsp, 4), fmt(s.resources.bram36, 4), fmt(s.resources.uram, 4),
               fmt(s.resources.lut / 1e3, 4), formatBytes(s.bufferBytes), fmt(s.iiCycles, 5), s.bound(), s.work.ops});
    std::fputs(t.render().c_str(), stdout);
    auto pct = [](double u, double b) { return b > 0 ? fmt(100 * u / b, 3) + "%" : std::string("-"); };
    TextTable d({"metric", "value"});
    d.add({"clock", fmt(p.clockGhz * 1e3, 4) + " MHz"});
    d.add({"memory ports", std::to_string(p.memoryPorts) + " x " + fmt(p.portBytesPerCycle, 4) + " B/cycle (" +
                               formatSi(p.memoryPorts * p.portBytesPerCycle * p.clockGhz * 1e9, "B/s") + " sustained)"});
    d.add({p.style == FpgaStyle::Dataflow ? "pipeline II (longest stage, per token)" : "cycles per token (all groups in turn)",
           fmt(p.pipelineIiCycles, 6) + " cycles"});
    if (p.style == FpgaStyle::Dataflow) d.add({"allocation optimality gap (proven bound)", fmt(100 * p.optimalityGap, 3) + "%"});
    d.add({"decode throughput", formatSi(p.decodeTokensPerS, "tokens/s")});
    d.add({"decode step (time per output token)", formatSeconds(p.decodeStepS)});
    d.add({"prefill (time to first token)", formatSeconds(p.prefillS) + ", " + formatSi(p.prefillTokensPerS, "tokens/s")});
    d.add({"utilisation DSP / BRAM / URAM / LUT", pct(p.used.dsp, p.budget.dsp) + " / " + pct(p.used.bram36, p.budget.bram36) +
                                                       " / " + pct(p.used.uram, p.budget.uram) + " / " + pct(p.used.lut, p.budget.lut)});
    d.add({"power (decode)", formatSi(p.powerW, "W") + " = " + formatSi(p.staticW, "W") + " static + " +
                                 formatSi(p.dynamicW, "W") + " dynamic"});
    d.add({"energy per token", formatSi(p.energyPerTokenJ, "J")});
    std::printf("\n");
    std::fputs(d.render().c_str(), stdout);
    std::printf("\nNotes:\n");
    for (const auto& n : p.notes) std::printf("  %s\n", n.c_str());
    std::printf("\nProvenance: %s\n", p.provenance.c_str());
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Map a model onto an FPGA card: a layer-pipelined dataflow (one stage per operator group, parallelism\n"
        "and memory ports balanced under the part's DSP/BRAM/URAM/LUT budget) or an overlay (one engine reused\n"
        "by every layer, FlightLLM-style). Writes the plan; --emit-hls writes HLS C++ for one decoder layer.\n"
        "Example: llmdse compile --model llama-2-7b --hardware alveo-u280 --weights int4 --style overlay --out plan.json");
    parser.addHelpOption();
    addDesignOptions(parser);
    parser.addOption({"style", "dataflow or overlay (default).", "style", "overlay"});
    parser.addOption({"clock-mhz", "Design clock (default: what published designs close at on the part).", "MHz"});
    parser.addOption({"out", "Write the plan (JSON) to this file.", "file"});
    parser.addOption({"emit-hls", "Write HLS C++ for one decoder layer and a C-simulation testbench to this folder.", "dir"});
    parser.addOption({"hls-context", "KV cache slots of the exported layer (default 256).", "tokens", "256"});
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        const Design d = designFromOptions(parser);
        FpgaCompileRequest r = fpgaRequest(d);
        if (parser.isSet("clock-mhz")) {
            bool ok = false;
            const double mhz = parser.value("clock-mhz").toDouble(&ok);
            if (!ok || !(mhz >= 10 && mhz <= 1000)) throw InputError("", "--clock-mhz", "must be a number from 10 to 1000");
            r.clockGhz = mhz / 1e3;
        }
        const FpgaStyle style = parseFpgaStyle(parser.value("style").toStdString(), "--style");
        const FpgaPlan plan = compileFpga(d.hardware, r, style);
        double weights = 0;
        for (const FpgaStage& s : plan.stages) weights += s.work.weightBytes * s.work.perToken;
        const MemoryLevel& mem = d.hardware.mainMemory();
        if (weights > mem.capacityBytes)
            throw InputError("", "weights", d.model.id + "'s " + toString(d.opts.weights) + " weights take " +
                                                formatBytes(weights) + ", more than the card's " +
                                                formatBytes(mem.capacityBytes) + " of " + mem.name +
                                                "; choose narrower --weights");
        if (parser.isSet("out")) writeJsonFile(parser.value("out").toStdString(), fpgaPlanJson(plan));
        if (parser.isSet("emit-hls")) {
            bool ok = false;
            const int ctx = parser.value("hls-context").toInt(&ok);
            if (!ok || ctx < 1 || ctx > 1 << 20) throw InputError("", "--hls-context", "must be a whole number from 1 to 1048576");
            emitHls(plan, d.model, d.opts.weights, parser.value("emit-hls").toStdString(), ctx);
        }
        if (format == OutputFormat::Json)
            std::fputs(QJsonDocument(fpgaPlanJson(plan)).toJson(QJsonDocument::Indented).constData(), stdout);
        else
            printPlan(plan);
        return 0;
    });
}

const bool registered = registerCommand({"compile", "Map a model onto an FPGA card (dataflow or overlay plan, HLS export).", run});

} // namespace
} // namespace llmdse
