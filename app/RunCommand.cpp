// llmdse run: execute a Hugging Face checkpoint (or a zoo shape with synthetic
// weights) on this CPU with the reference engine; optionally speculative
// decoding with a draft, or a SnapKV-compressed KV cache.
#include "app/Command.h"
#include "app/OutputFormat.h"
#include "core/Design.h"
#include "core/Errors.h"
#include "models/ModelZoo.h"
#include "models/engine/Generation.h"
#include "models/engine/SnapKv.h"
#include "models/engine/SpeculativeGeneration.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <cstdio>

namespace llmdse {

namespace {

std::vector<int> parseIds(const QString& text)
{
    std::vector<int> ids;
    for (const QString& part : text.split(',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const int v = part.trimmed().toInt(&ok);
        if (!ok || v < 0) throw InputError("", "--input-ids", "expected comma-separated token ids, got '" + part.toStdString() + "'");
        ids.push_back(v);
    }
    if (ids.empty()) throw InputError("", "--input-ids", "no token ids given");
    return ids;
}

void writeLogits(const std::string& path, const RowMatrix& logits)
{
    QByteArray out = "[";
    for (Eigen::Index r = 0; r < logits.rows(); ++r) {
        out += r ? ",\n[" : "\n[";
        for (Eigen::Index c = 0; c < logits.cols(); ++c) {
            if (c) out += ',';
            out += QByteArray::number(logits(r, c), 'g', 9);
        }
        out += ']';
    }
    out += "\n]\n";
    QSaveFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::WriteOnly) || f.write(out) != out.size() || !f.commit())
        throw InputError(path, "", "cannot write the logits file");
}

int intOption(const QCommandLineParser& p, const char* name, int min)
{
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok || v < min) throw InputError("", std::string("--") + name, "must be a whole number >= " + std::to_string(min));
    return v;
}

QJsonArray jsonTokens(const std::vector<int>& tokens)
{
    QJsonArray a;
    for (int t : tokens) a.append(t);
    return a;
}

std::string compact(const std::vector<int>& tokens)
{
    return QJsonDocument(jsonTokens(tokens)).toJson(QJsonDocument::Compact).toStdString();
}

bool isCheckpoint(const QString& dir)
{
    return QFileInfo::exists(dir + "/model.safetensors") || QFileInfo::exists(dir + "/model.safetensors.index.json");
}

// Target, then the draft: a checkpoint folder, a zoo id with synthetic weights of
// another seed (a random draft), or the target's first layers (a layer-skip self-draft).
ModelWeights draftWeights(const QCommandLineParser& p, const ModelWeights& target)
{
    if (p.isSet("draft") && p.isSet("draft-layers")) throw InputError("", "--draft-layers", "give --draft or --draft-layers, not both");
    if (p.isSet("draft-layers")) return firstLayers(target, intOption(p, "draft-layers", 1));
    const QString d = p.value("draft");
    if (isCheckpoint(d)) return loadCheckpoint(d.toStdString());
    ModelSpec m = resolveModel(d.toStdString(), "--draft");
    m.id += "-synthetic-seed2";
    return syntheticWeights(m, 2);
}

int runSpeculative(const QCommandLineParser& p, ReferenceEngine& target, const std::vector<int>& ids, int maxNew, OutputFormat format)
{
    ModelWeights dw = draftWeights(p, target.weights());
    if (!p.isSet("draft-layers")) dw.quantize(target.weights().format); // a self-draft shares the target's format already
    ReferenceEngine draft(std::move(dw));
    const int k = intOption(p, "draft-len", 1);
    const GenerationResult plain = generate(target, {ids}, maxNew, SamplingOptions{});
    const SpeculativeResult s = generateSpeculative(target, draft, ids, maxNew, k);
    const bool identical = s.newTokens == plain.newTokens[0];
    const double speedup = s.decodeS() > 0 ? plain.decodeS / s.decodeS() : 0.0;
    QJsonArray byPos;
    for (int i = 0; i < k; ++i) byPos.append(s.acceptanceAt(i));
    if (format == OutputFormat::Json) {
        QJsonObject o{{"new_tokens", jsonTokens(s.newTokens)},
                      {"identical_to_plain", identical},
                      {"target", QString::fromStdString(target.spec().id)},
                      {"draft", QString::fromStdString(draft.spec().id)},
                      {"draft_len", k},
                      {"verification_steps", s.steps},
                      {"proposed", double(s.proposed)},
                      {"accepted", double(s.accepted)},
                      {"corrections", s.corrections},
                      {"bonus", s.bonus},
                      {"last_steps", s.lastSteps},
                      {"acceptance_rate", s.acceptanceRate()},
                      {"acceptance_by_position", byPos},
                      {"tokens_per_step", s.tokensPerStep()},
                      {"prefill_s", s.prefillS},
                      {"draft_prefill_s", s.draftPrefillS},
                      {"draft_s", s.draftS},
                      {"verify_s", s.verifyS},
                      {"decode_s", s.decodeS()},
                      {"decode_tokens_per_s", s.decodeTokensPerS()},
                      {"plain_decode_s", plain.decodeS},
                      {"plain_decode_tokens_per_s", plain.decodeTokensPerS()},
                      {"speedup", speedup}};
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
    } else {
        std::printf("new tokens: %s (%s plain greedy)\n", compact(s.newTokens).c_str(), identical ? "identical to" : "DIFFERENT from");
        std::printf("draft %s, k = %d: %d verification steps, %lld proposed, %lld accepted (%.1f%%), %d corrections, %d bonus\n",
                    draft.spec().id.c_str(), k, s.steps, s.proposed, s.accepted, 100.0 * s.acceptanceRate(), s.corrections, s.bonus);
        std::printf("acceptance by position:");
        for (int i = 0; i < k; ++i) std::printf(" %d:%.2f", i + 1, s.acceptanceAt(i));
        std::printf("\ntokens per verification step: %.2f\n", s.tokensPerStep());
        std::printf("decode: speculative %.1f ms (draft prefill %.1f, draft %.1f, verify %.1f) = %.1f tokens/s; "
                    "plain %.1f ms = %.1f tokens/s; speedup %.2fx\n",
                    s.decodeS() * 1e3, s.draftPrefillS * 1e3, s.draftS * 1e3, s.verifyS * 1e3, s.decodeTokensPerS(),
                    plain.decodeS * 1e3, plain.decodeTokensPerS(), speedup);
    }
    return identical ? 0 : 1;
}

int runSnapKv(const QCommandLineParser& p, ReferenceEngine& engine, const std::vector<int>& ids, int maxNew, OutputFormat format)
{
    SnapKvOptions o;
    o.budget = intOption(p, "kv-budget", 1);
    o.window = intOption(p, "kv-window", 1);
    o.poolKernel = intOption(p, "kv-pool", 1);
    const SnapKvReport r = evaluateSnapKv(engine, ids, maxNew, o);
    if (format == OutputFormat::Json) {
        QJsonObject j{{"new_tokens", jsonTokens(r.compressedTokens)},
                      {"reference_tokens", jsonTokens(r.referenceTokens)},
                      {"kv_budget", o.budget},
                      {"kv_window", o.window},
                      {"kv_pool", o.poolKernel},
                      {"prompt_length", r.promptLength},
                      {"kept_slots", r.keptSlots},
                      {"kept_fraction", r.keptFraction},
                      {"compared_positions", r.compared},
                      {"max_abs_logit_delta", r.maxAbsLogitDelta},
                      {"max_abs_logit", r.maxAbsLogit},
                      {"top1_agreement", r.top1Agreement}};
        std::fputs(QJsonDocument(j).toJson(QJsonDocument::Indented).constData(), stdout);
    } else {
        std::printf("new tokens: %s (compressed cache)\nplain:      %s\n", compact(r.compressedTokens).c_str(),
                    compact(r.referenceTokens).c_str());
        std::printf("SnapKV budget %d, window %d, pool %d: kept %d of %d prompt slots per layer and kv head (%.1f%%)\n", o.budget,
                    o.window, o.poolKernel, r.keptSlots, r.promptLength, 100.0 * r.keptFraction);
        std::printf("teacher-forced over %d decode positions: max |dlogit| %.3g (max |logit| %.3g), top-1 agreement %.1f%%\n",
                    r.compared, r.maxAbsLogitDelta, r.maxAbsLogit, 100.0 * r.top1Agreement);
    }
    return 0;
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Run a Hugging Face checkpoint (config.json + safetensors) on this CPU with the reference engine.\n"
        "Example: llmdse run --checkpoint tests/data/fixtures/tiny-llama-gqa --input-ids 1,2,3 --max-new-tokens 16");
    parser.addHelpOption();
    parser.addOption({"checkpoint", "Checkpoint folder (config.json, model.safetensors or a sharded index).", "dir"});
    parser.addOption({"model", "Instead of --checkpoint: a zoo id or config.json, run with synthetic weights.", "id"});
    parser.addOption({"input-ids", "Prompt token ids, comma-separated.", "ids"});
    parser.addOption({"max-new-tokens", "Tokens to generate (default 16).", "n", "16"});
    parser.addOption({"greedy", "Greedy decoding (the default)."});
    parser.addOption({"temperature", "Sample with this temperature instead of greedy.", "t"});
    parser.addOption({"top-p", "Nucleus sampling mass (default 1).", "p", "1"});
    parser.addOption({"seed", "Sampling seed (default 0).", "s", "0"});
    parser.addOption({"weights", "Weight format: fp32, fp16, bf16, int8 or int4 (group-wise, :g<N> for the group size).", "fmt", "fp32"});
    parser.addOption({"quantize-head", "Store the output projection (lm_head, or a copy of tied embeddings) in --weights too."});
    parser.addOption({"logits-out", "Write the prompt positions' logits as a JSON array [prompt_len][vocab].", "file"});
    parser.addOption({"draft", "Speculative decoding (greedy) with this draft: a checkpoint folder, or a zoo id\n"
                               "(synthetic weights of another seed). Reports acceptance and the speedup over plain decoding.", "dir"});
    parser.addOption({"draft-layers", "Speculative decoding with the target's first N layers as the draft (layer-skip).", "n"});
    parser.addOption({"draft-len", "Tokens the draft proposes per verification (default 4).", "k", "4"});
    parser.addOption({"kv-budget", "SnapKV: keep N prompt slots per layer and kv head after prefill; reports the logit error.", "n"});
    parser.addOption({"kv-window", "SnapKV observation window: the last W prompt positions (default 8).", "w", "8"});
    parser.addOption({"kv-pool", "SnapKV max-pool kernel over the votes (odd, default 7; 1 = none).", "k", "7"});
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        if (parser.isSet("checkpoint") == parser.isSet("model"))
            throw InputError("", "--checkpoint", "give the checkpoint folder (or --model for synthetic weights), not both");
        if (!parser.isSet("input-ids")) throw InputError("", "--input-ids", "missing: the prompt token ids");
        bool ok = false;
        const int maxNew = parser.value("max-new-tokens").toInt(&ok);
        if (!ok || maxNew < 0 || maxNew > kMaxTokens)
            throw InputError("", "--max-new-tokens", "must be a whole number between 0 and " + std::to_string(kMaxTokens));
        SamplingOptions sampling;
        if (parser.isSet("temperature")) {
            if (parser.isSet("greedy")) throw InputError("", "--temperature", "cannot be combined with --greedy");
            sampling.greedy = false;
            sampling.temperature = parser.value("temperature").toDouble(&ok);
            if (!ok || !(sampling.temperature > 0 && sampling.temperature <= 1e6))
                throw InputError("", "--temperature", "must be a number in (0, 1e6], got '" + parser.value("temperature").toStdString() + "'");
        }
        sampling.topP = parser.value("top-p").toDouble(&ok);
        if (!ok || !(sampling.topP > 0 && sampling.topP <= 1))
            throw InputError("", "--top-p", "must be a number in (0, 1], got '" + parser.value("top-p").toStdString() + "'");
        sampling.seed = parser.value("seed").toULongLong(&ok);
        if (!ok) throw InputError("", "--seed", "must be a whole number >= 0");
        const QuantFormat wf = parseQuantFormat(parser.value("weights").toStdString(), "--weights");

        ModelWeights w = parser.isSet("checkpoint") ? loadCheckpoint(parser.value("checkpoint").toStdString())
                                                    : syntheticWeights(resolveModel(parser.value("model").toStdString(), "--model"));
        w.quantize(wf, parser.isSet("quantize-head"));
        const std::vector<int> ids = parseIds(parser.value("input-ids"));
        if (ids.size() > size_t(kMaxTokens)) throw InputError("", "--input-ids", "more than " + std::to_string(kMaxTokens) + " tokens");
        // The cache is sized for the whole generation up front: refuse before the weights are touched further.
        const ModelSpec& spec = w.spec;
        requireMemory(generationBytes(spec, 1, std::int64_t(ids.size()), maxNew), "--max-new-tokens",
                      "generating " + std::to_string(maxNew) + " tokens after " + std::to_string(ids.size()) + " with " + spec.id +
                          " (KV cache, activations, logits)");
        ReferenceEngine engine(std::move(w));
        const bool speculative = parser.isSet("draft") || parser.isSet("draft-layers"), snap = parser.isSet("kv-budget");
        if (speculative || snap) {
            if (!sampling.greedy) throw InputError("", "--temperature", "speculative decoding and SnapKV runs are greedy here");
            if (speculative && snap) throw InputError("", "--kv-budget", "cannot be combined with a draft in one run");
            if (parser.isSet("logits-out")) throw InputError("", "--logits-out", "not with --draft or --kv-budget");
            return speculative ? runSpeculative(parser, engine, ids, maxNew, format) : runSnapKv(parser, engine, ids, maxNew, format);
        }
        const bool logits = parser.isSet("logits-out");
        GenerationResult r = generate(engine, {ids}, maxNew, sampling, logits);
        if (logits) writeLogits(parser.value("logits-out").toStdString(), r.promptLogits);
        QJsonArray toks;
        for (int t : r.newTokens[0]) toks.append(t);
        if (format == OutputFormat::Json) {
            QJsonObject o{{"new_tokens", toks},
                          {"prefill_s", r.prefillS},
                          {"decode_tokens_per_s", r.decodeTokensPerS()},
                          {"weights", QString::fromStdString(toString(wf))},
                          {"quantized_head", engine.weights().quantizedHead}};
            std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
        } else {
            std::printf("new tokens: %s\n", QJsonDocument(toks).toJson(QJsonDocument::Compact).constData());
            std::printf("prefill: %.3f ms for %zu tokens; decode: %.1f tokens/s over %d steps (weights %s)\n",
                        r.prefillS * 1e3, ids.size(), r.decodeTokensPerS(), r.decodeSteps, toString(wf).c_str());
        }
        return 0;
    });
}

const bool registered = registerCommand({"run", "Run a checkpoint on this CPU with the reference engine.", run});

} // namespace
} // namespace llmdse
