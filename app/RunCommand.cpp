// llmdse run: execute a Hugging Face checkpoint on this CPU with the reference engine.
#include "app/Command.h"
#include "app/OutputFormat.h"
#include "core/Errors.h"
#include "models/engine/Generation.h"

#include <QCommandLineParser>
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

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Run a Hugging Face checkpoint (config.json + safetensors) on this CPU with the reference engine.\n"
        "Example: llmdse run --checkpoint ../shared/fixtures/tiny-llama-gqa --input-ids 1,2,3 --max-new-tokens 16");
    parser.addHelpOption();
    parser.addOption({"checkpoint", "Checkpoint folder (config.json, model.safetensors or a sharded index).", "dir"});
    parser.addOption({"input-ids", "Prompt token ids, comma-separated.", "ids"});
    parser.addOption({"max-new-tokens", "Tokens to generate (default 16).", "n", "16"});
    parser.addOption({"greedy", "Greedy decoding (the default)."});
    parser.addOption({"temperature", "Sample with this temperature instead of greedy.", "t"});
    parser.addOption({"top-p", "Nucleus sampling mass (default 1).", "p", "1"});
    parser.addOption({"seed", "Sampling seed (default 0).", "s", "0"});
    parser.addOption({"weights", "Weight format: fp32, int8 or int4 (group-wise, :g<N> for the group size).", "fmt", "fp32"});
    parser.addOption({"logits-out", "Write the prompt positions' logits as a JSON array [prompt_len][vocab].", "file"});
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        if (!parser.isSet("checkpoint")) throw InputError("", "--checkpoint", "missing: the checkpoint folder");
        if (!parser.isSet("input-ids")) throw InputError("", "--input-ids", "missing: the prompt token ids");
        bool ok = false;
        const int maxNew = parser.value("max-new-tokens").toInt(&ok);
        if (!ok || maxNew < 0) throw InputError("", "--max-new-tokens", "must be a whole number >= 0");
        SamplingOptions sampling;
        if (parser.isSet("temperature")) {
            if (parser.isSet("greedy")) throw InputError("", "--temperature", "cannot be combined with --greedy");
            sampling.greedy = false;
            sampling.temperature = parser.value("temperature").toDouble(&ok);
            if (!ok || sampling.temperature <= 0) throw InputError("", "--temperature", "must be > 0");
        }
        sampling.topP = parser.value("top-p").toDouble(&ok);
        if (!ok || sampling.topP <= 0 || sampling.topP > 1) throw InputError("", "--top-p", "must be in (0, 1]");
        sampling.seed = parser.value("seed").toULongLong(&ok);
        if (!ok) throw InputError("", "--seed", "must be a whole number >= 0");
        const QuantFormat wf = parseQuantFormat(parser.value("weights").toStdString(), "--weights");

        ModelWeights w = loadCheckpoint(parser.value("checkpoint").toStdString());
        w.quantize(wf);
        ReferenceEngine engine(std::move(w));
        const std::vector<int> ids = parseIds(parser.value("input-ids"));
        const bool logits = parser.isSet("logits-out");
        GenerationResult r = generate(engine, {ids}, maxNew, sampling, logits);
        if (logits) writeLogits(parser.value("logits-out").toStdString(), r.promptLogits);
        QJsonArray toks;
        for (int t : r.newTokens[0]) toks.append(t);
        if (format == OutputFormat::Json) {
            QJsonObject o{{"new_tokens", toks},
                          {"prefill_s", r.prefillS},
                          {"decode_tokens_per_s", r.decodeTokensPerS()},
                          {"weights", QString::fromStdString(toString(wf))}};
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
