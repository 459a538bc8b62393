// llmdse export-gguf: a checkpoint or a zoo shape's synthetic weights as a GGUF file
// that llama.cpp loads (llama, mistral, qwen2), in f32, f16, q8_0 or q4_0.
#include "app/Command.h"
#include "core/Errors.h"
#include "models/ModelZoo.h"
#include "models/gguf/GgufExport.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <cstdio>

namespace llmdse {

namespace {

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Write a model as a GGUF file for llama.cpp: a Hugging Face checkpoint, or a zoo shape (or config.json) with the\n"
        "reference engine's deterministic synthetic weights (the same weights `llmdse run --model` uses for that seed).\n"
        "Matrices (embeddings and output head included) in the chosen format, norms and biases in f32; Q and K rows\n"
        "permuted into GGML's RoPE order for the llama architecture.\n"
        "Example: llmdse export-gguf --model smollm-135m --weights q8_0 --out smollm-q8_0.gguf");
    parser.addHelpOption();
    parser.addOption({"model", "Zoo id or config.json: synthetic weights of that shape.", "id"});
    parser.addOption({"checkpoint", "Instead of --model: a checkpoint folder (config.json + safetensors).", "dir"});
    parser.addOption({"weights", "GGUF weight format: f32, f16, q8_0 or q4_0 (default f16).", "fmt", "f16"});
    parser.addOption({"seed", "Synthetic weights' seed (default 1, as `llmdse run --model`).", "n", "1"});
    parser.addOption({"out", "GGUF file to write.", "file"});
    parser.addOption({"overwrite", "Replace an existing output file."});
    parser.process(args);
    return guarded([&] {
        if (parser.isSet("model") == parser.isSet("checkpoint"))
            throw InputError("", "--model", "give a zoo id or config.json (--model), or a checkpoint folder (--checkpoint)");
        if (!parser.isSet("out")) throw InputError("", "--out", "missing: the GGUF file to write");
        const std::string out = parser.value("out").toStdString();
        if (QFileInfo::exists(parser.value("out")) && !parser.isSet("overwrite"))
            throw InputError(out, "--out", "exists (give --overwrite to replace it)");
        const GgmlType type = parseGgufWeights(parser.value("weights").toStdString(), "--weights");
        bool ok = false;
        const std::uint64_t seed = parser.value("seed").toULongLong(&ok);
        if (!ok) throw InputError("", "--seed", "must be a whole number >= 0");
        ModelWeights w;
        if (parser.isSet("checkpoint")) {
            w = loadCheckpoint(parser.value("checkpoint").toStdString());
        } else {
            const ModelSpec spec = resolveModel(parser.value("model").toStdString(), "--model");
            if (ggufArchitecture(spec.family).empty())
                throw InputError("", "--model", spec.id + " is a " + spec.family + " model; llama, mistral and qwen2 export to GGUF");
            w = syntheticWeights(spec, seed);
        }
        exportGguf(w, type, out);
        std::printf("wrote %s: %s as llama.cpp's %s architecture, %s weights, %.1f MB\n", out.c_str(), w.spec.id.c_str(),
                    ggufArchitecture(w.spec.family).c_str(), toString(type), double(QFileInfo(parser.value("out")).size()) / 1e6);
        return 0;
    });
}

const bool registered = registerCommand({"export-gguf", "Write a model as a GGUF file for llama.cpp.", run});

} // namespace
} // namespace llmdse
