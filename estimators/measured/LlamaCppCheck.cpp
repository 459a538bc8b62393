#include "estimators/measured/LlamaCppCheck.h"
#include "core/Errors.h"
#include "core/RuntimeZoo.h"
#include "core/Statistics.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/measured/HostBenchmarks.h"
#include "models/HfConfigImporter.h"
#include "models/ModelSpecJson.h"
#include "models/gguf/GgufExport.h"
#include "models/gguf/GgufReader.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>
#include <thread>

namespace llmdse {

namespace {

constexpr const char* kExportVersion = "gguf-export-1"; // bump when the export's bytes change

QString cacheFolder()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    if (dir.isEmpty()) dir = QDir::homePath() + "/.cache";
    return dir + "/llmdse/gguf";
}

// Everything the exported bytes depend on: the export's version, the format, and the
// weights (a checkpoint's files by path, size and time; a shape and a seed).
QByteArray contentKey(const ModelSource& s, GgmlType type)
{
    QByteArray key = QByteArray(kExportVersion) + "|" + toString(type) + "|";
    if (!s.checkpoint.empty()) {
        const QString dir = QFileInfo(QString::fromStdString(s.checkpoint)).canonicalFilePath();
        key += dir.toUtf8();
        QDirIterator it(dir, {"*.json", "*.safetensors"}, QDir::Files);
        QStringList parts;
        while (it.hasNext()) {
            const QFileInfo fi(it.next());
            parts << fi.fileName() + ":" + QString::number(fi.size()) + ":" + QString::number(fi.lastModified().toMSecsSinceEpoch());
        }
        parts.sort();
        key += parts.join('|').toUtf8();
    } else {
        key += QJsonDocument(toHfConfig(s.spec)).toJson(QJsonDocument::Compact) + "|seed=" + QByteArray::number(qulonglong(s.seed));
    }
    return key;
}

// Exports of 1-2B models in four formats fill tens of GB; the cache keeps the most recently
// used files within LLMDSE_GGUF_CACHE_GB (default 32) and removes the rest, oldest use first.
qint64 cacheLimitBytes()
{
    bool ok = false;
    const double gb = qEnvironmentVariable("LLMDSE_GGUF_CACHE_GB").toDouble(&ok);
    return qint64((ok && gb >= 0 ? gb : 32.0) * 1e9);
}

void makeRoom(const QString& folder, qint64 incoming)
{
    QFileInfoList files = QDir(folder).entryInfoList({"*.gguf"}, QDir::Files, QDir::Time); // newest use first
    qint64 total = incoming;
    for (const QFileInfo& f : files) total += f.size();
    const qint64 limit = cacheLimitBytes();
    while (total > limit && !files.isEmpty()) {
        const QFileInfo oldest = files.takeLast();
        if (QFile::remove(oldest.filePath())) total -= oldest.size();
    }
}

} // namespace

ModelSpec ModelSource::shape() const
{
    return checkpoint.empty() ? spec : importHfConfigFile(checkpoint + "/config.json");
}

std::string cachedGguf(const ModelSource& source, GgmlType type)
{
    const ModelSpec shape = source.shape();
    if (ggufArchitecture(shape.family).empty())
        throw InputError("", "model", shape.id + " is a " + shape.family + " model; llama.cpp is driven here for llama, mistral and qwen2");
    const QString hash = QCryptographicHash::hash(contentKey(source, type), QCryptographicHash::Sha256).toHex().left(16);
    QDir().mkpath(cacheFolder());
    const QString path = cacheFolder() + "/" + QString::fromStdString(shape.id) + "-" + toString(type) + "-" + hash + ".gguf";
    if (QFileInfo::exists(path)) {
        try {
            readGguf(path.toStdString()); // a file cut short by a crash is exported again
            QFile f(path); // its time is its last use, for the cache's eviction order
            if (f.open(QIODevice::ReadWrite)) f.setFileTime(QDateTime::currentDateTime(), QFileDevice::FileModificationTime);
            return path.toStdString();
        } catch (const InputError&) {
            QFile::remove(path);
        }
    }
    // Sized from the parameter count (norms and the vocabulary are small beside it).
    makeRoom(cacheFolder(), qint64(double(ggmlBytes(type, kGgmlBlock)) / kGgmlBlock * shape.totalParams()));
    const ModelWeights w = source.checkpoint.empty() ? syntheticWeights(source.spec, source.seed) : loadCheckpoint(source.checkpoint);
    exportGguf(w, type, path.toStdString());
    return path.toStdString();
}

QuantFormat quantFormatOf(GgmlType t)
{
    switch (t) {
    case GgmlType::F32: return {Precision::FP32, 0};
    case GgmlType::F16: return {Precision::FP16, 0};
    case GgmlType::Q8_0: return {Precision::INT8, kGgmlBlock};
    case GgmlType::Q4_0: return {Precision::INT4, kGgmlBlock};
    }
    return {Precision::FP32, 0};
}

Design llamaCppHostDesign(const ModelSpec& m, GgmlType weights, int threads, int prompt, int output)
{
    Design d;
    d.model = m;
    d.hardware = hostHardware(hostMeasurements());
    d.hardware.threads = threads;
    d.runtime = runtimeFor(resolveRuntime("llama.cpp"), d.hardware);
    d.workload.batch = 1;
    d.workload.prompt = prompt;
    d.workload.output = output;
    d.opts.weights = quantFormatOf(weights);
    d.opts.quantizedHead = true;           // the export writes every matrix in the format (llama-quantize --pure)
    d.opts.activations = Precision::FP32;   // ggml computes in f32
    d.opts.kvCache = {Precision::FP16, 0};  // llama.cpp's default cache type
    d.validate();
    return d;
}

LlamaCppCheckResult runLlamaCppCheck(const ModelSource& source, const LlamaCppCheckRequest& req,
                                     const std::function<void(int, int)>& progress)
{
    if (req.repeat < 1) throw InputError("", "repeat", "must be a positive whole number");
    if (req.output < 2) throw InputError("", "output", "needs at least 2 tokens to measure decode");
    LlamaCppCheckResult r;
    r.library = llamaCppInfo();
    const ModelSpec shape = source.shape();
    r.model = shape.id;
    r.threads = req.threads > 0 ? req.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    r.gguf = cachedGguf(source, req.weights);
    const LlamaCppRequest lr{r.gguf, r.threads, req.prompt, req.output, 1};
    AnalyticalEstimator est;
    for (int run = 1; run <= req.repeat; ++run) {
        if (progress) progress(run, req.repeat);
        const MachineState reference = hostMeasurements(req.pairedHost).state; // paired: measured again before each run
        const Design d = llamaCppHostDesign(shape, req.weights, r.threads, req.prompt, req.output);
        const Metrics m = est.evaluate(d);
        const LlamaCppRun measured = measureLlamaCpp(lr, {reference}).front();
        r.runs.push_back({m.ttftS, measured.prefillS, m.tpotS, measured.decodeStepS(), measured.othersCpuShare,
                          measured.stateDeviation, measured.discarded, reference, measured.before, measured.after});
        r.hardwareName = d.hardware.name;
        r.runtimeProvenance = d.runtime.provenance;
    }
    std::vector<double> pp, pm, dp, dm, pe, de;
    for (const auto& x : r.runs) {
        pp.push_back(x.prefillPredictedS), pm.push_back(x.prefillMeasuredS);
        dp.push_back(x.decodePredictedS), dm.push_back(x.decodeMeasuredS);
        pe.push_back(100.0 * (x.prefillPredictedS / x.prefillMeasuredS - 1.0));
        de.push_back(100.0 * (x.decodePredictedS / x.decodeMeasuredS - 1.0));
    }
    r.prefillPredictedS = median(pp), r.prefillMeasuredS = median(pm), r.prefillErrorPercent = median(pe);
    r.decodePredictedS = median(dp), r.decodeMeasuredS = median(dm), r.decodeErrorPercent = median(de);
    return r;
}

} // namespace llmdse
