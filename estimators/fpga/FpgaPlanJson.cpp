#include "estimators/fpga/FpgaPlanJson.h"
#include "core/Errors.h"
#include "core/Json.h"

#include <QJsonArray>

namespace llmdse {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QJsonObject resourcesJson(const FpgaResources& r)
{
    return {{"dsp", r.dsp}, {"bram36", r.bram36}, {"uram", r.uram}, {"lut", r.lut}};
}

FpgaResources readResources(const JsonReader& r)
{
    return {r.nonNegative("dsp", 0), r.nonNegative("bram36", 0), r.nonNegative("uram", 0), r.nonNegative("lut", 0)};
}

} // namespace

QJsonObject fpgaPlanJson(const FpgaPlan& p)
{
    QJsonArray stages;
    for (const FpgaStage& s : p.stages)
        stages.append(QJsonObject{{"name", q(s.work.name)},
                                  {"ops", q(s.work.ops)},
                                  {"items_per_token", s.work.perToken},
                                  {"datapath", toString(s.work.datapath)},
                                  {"macs_per_item", s.work.macs},
                                  {"vector_elements_per_item", s.work.vectorElements},
                                  {"stream_bytes_per_item", s.work.streamBytes},
                                  {"weight_bytes_per_item", s.work.weightBytes},
                                  {"input_width", s.work.inputWidth},
                                  {"output_width", s.work.outputWidth},
                                  {"reduction_width", s.work.reductionWidth},
                                  {"parallelism", s.lanes},
                                  {"memory_ports", s.channels},
                                  {"resources", resourcesJson(s.resources)},
                                  {"buffer_bytes", s.bufferBytes},
                                  {"compute_cycles", s.computeCycles},
                                  {"memory_cycles", s.memoryCycles},
                                  {"ii_cycles", s.iiCycles},
                                  {"bound", q(s.bound())}});
    QJsonArray notes;
    for (const auto& n : p.notes) notes.append(q(n));
    return QJsonObject{
        {"format", "llmdse-fpga-plan"},
        {"style", toString(p.style)},
        {"model", q(p.model)},
        {"hardware", q(p.hardware)},
        {"part", q(p.part)},
        {"part_name", q(p.partName)},
        {"weights", q(p.weights)},
        {"clock_mhz", p.clockGhz * 1e3},
        {"batch", p.batch},
        {"prompt", p.prompt},
        {"context", p.context},
        {"memory_ports", p.memoryPorts},
        {"port_bytes_per_cycle", p.portBytesPerCycle},
        {"stages", stages},
        {"used", resourcesJson(p.used)},
        {"budget", resourcesJson(p.budget)},
        {"ceiling", resourcesJson(p.ceiling)},
        {"utilisation", p.utilisation()},
        {"limiting_resource", q(p.limiting())},
        {"pipeline_ii_cycles", p.pipelineIiCycles},
        {"optimality_gap", p.optimalityGap},
        {"decode_step_s", p.decodeStepS},
        {"decode_tokens_per_s", p.decodeTokensPerS},
        {"prefill_s", p.prefillS},
        {"prefill_tokens_per_s", p.prefillTokensPerS},
        {"power_w", p.powerW},
        {"static_power_w", p.staticW},
        {"dynamic_power_w", p.dynamicW},
        {"energy_per_token_j", p.energyPerTokenJ},
        {"notes", notes},
        {"provenance", q(p.provenance)},
    };
}

FpgaPlan fpgaPlanFromJson(const QJsonObject& o, const std::string& file)
{
    try {
        JsonReader r(o);
        if (r.string("format") != "llmdse-fpga-plan") r.fail("format", "is not 'llmdse-fpga-plan' (write one with llmdse compile)");
        FpgaPlan p;
        p.style = parseFpgaStyle(r.string("style"), "style");
        p.model = r.string("model");
        p.hardware = r.string("hardware");
        p.part = r.string("part");
        p.partName = r.string("part_name", p.part);
        p.weights = r.string("weights");
        p.clockGhz = r.positive("clock_mhz") / 1e3;
        p.batch = r.positiveInt("batch");
        p.prompt = r.positiveInt("prompt");
        p.context = r.positiveInt("context");
        p.memoryPorts = r.positiveInt("memory_ports");
        p.portBytesPerCycle = r.positive("port_bytes_per_cycle");
        const QJsonArray stages = r.array("stages");
        if (stages.isEmpty()) r.fail("stages", "must list at least one stage");
        for (int i = 0; i < stages.size(); ++i) {
            const std::string path = "stages[" + std::to_string(i) + "]";
            if (!stages[i].isObject()) throw InputError("", path, "must be an object");
            JsonReader s(stages[i].toObject(), path);
            FpgaStage st;
            st.work.name = s.string("name");
            st.work.ops = s.string("ops", "");
            st.work.perToken = s.positiveInt("items_per_token");
            st.work.datapath = parsePrecision(s.string("datapath"), path + ".datapath");
            st.work.macs = s.nonNegative("macs_per_item", 0);
            st.work.vectorElements = s.nonNegative("vector_elements_per_item", 0);
            st.work.streamBytes = s.nonNegative("stream_bytes_per_item", 0);
            st.work.weightBytes = s.nonNegative("weight_bytes_per_item", 0);
            st.work.inputWidth = s.nonNegativeInt("input_width", 0);
            st.work.outputWidth = s.nonNegativeInt("output_width", 0);
            st.work.reductionWidth = s.nonNegativeInt("reduction_width", 0);
            st.lanes = s.positiveInt("parallelism");
            st.channels = s.positiveInt("memory_ports");
            st.resources = readResources(s.object("resources"));
            st.bufferBytes = s.nonNegative("buffer_bytes", 0);
            st.computeCycles = s.nonNegative("compute_cycles", 0);
            st.memoryCycles = s.nonNegative("memory_cycles", 0);
            st.iiCycles = s.positive("ii_cycles");
            p.stages.push_back(st);
        }
        p.used = readResources(r.object("used"));
        p.budget = readResources(r.object("budget"));
        p.ceiling = readResources(r.object("ceiling"));
        p.pipelineIiCycles = r.positive("pipeline_ii_cycles");
        p.optimalityGap = r.nonNegative("optimality_gap", 0);
        p.decodeStepS = r.positive("decode_step_s");
        p.decodeTokensPerS = r.positive("decode_tokens_per_s");
        p.prefillS = r.positive("prefill_s");
        p.prefillTokensPerS = r.positive("prefill_tokens_per_s");
        p.powerW = r.positive("power_w");
        p.staticW = r.nonNegative("static_power_w", 0);
        p.dynamicW = r.nonNegative("dynamic_power_w", 0);
        p.energyPerTokenJ = r.positive("energy_per_token_j");
        p.provenance = r.string("provenance", "");
        return p;
    } catch (const InputError& e) {
        rethrowWithFile(e, file);
    }
}

FpgaPlan readFpgaPlan(const std::string& path) { return fpgaPlanFromJson(readJsonObjectFile(path), path); }

} // namespace llmdse
