// llmdse host: measure this computer for the `host` preset and `reference-engine` profile.
#include "app/Command.h"
#include "app/OutputFormat.h"
#include "core/HardwareSpecJson.h"
#include "core/RuntimeProfileJson.h"
#include "estimators/measured/HostBenchmarks.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <cstdio>

namespace llmdse {

namespace {

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Show (or re-measure with --refresh) the microbenchmarks behind the `host` hardware\n"
                                     "preset and the `reference-engine` runtime profile, cached in the user's data folder.");
    parser.addHelpOption();
    parser.addOption({"refresh", "Measure again now."});
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat f = parseFormat(parser, false);
        bool measured = false;
        const HostMeasurements m = hostMeasurements(parser.isSet("refresh"), &measured);
        if (f == OutputFormat::Json) {
            QJsonObject o{{"measurements", toJson(m)},
                          {"hardware", toJson(hostHardware(m))},
                          {"runtime", toJson(referenceEngineProfile(m))},
                          {"cache", QString::fromStdString(hostCachePath())}};
            std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
            return 0;
        }
        TextTable t({"measurement", "value"});
        t.add({"CPU", m.cpu + " (" + std::to_string(m.cores) + " threads)"});
        t.add({"GEMM fp32 / int8 / int4 weights", fmt(m.gemmFlops[0] / 1e9) + " / " + fmt(m.gemmFlops[1] / 1e9) + " / " +
                                                       fmt(m.gemmFlops[2] / 1e9) + " GFLOP/s"});
        t.add({"multi-row GEMM weight repacking", fmt(m.packWeightsPerS / 1e9) + " Gweights/s"});
        t.add({"int8 / int4 GEMV unpacking", fmt(m.gemvSPerWeight[0] * 1e12) + " / " + fmt(m.gemvSPerWeight[1] * 1e12) +
                                                 " ps/weight + " + fmt(m.gemvSPerGroup * 1e9) + " ns/group"});
        t.add({"memory bandwidth, all cores", fmt(m.streamAllCores / 1e9) + " GB/s"});
        t.add({"memory bandwidth, one core", fmt(m.streamOneCore / 1e9) + " GB/s"});
        t.add({"fp32 GEMV streaming", fmt(m.gemvBytesPerS / 1e9) + " GB/s"});
        t.add({"attention loop", fmt(m.attentionFlops / 1e9) + " GFLOP/s"});
        t.add({"copies (KV write, gather)", fmt(m.elementwiseBytesPerS / 1e9) + " GB/s"});
        t.add({"norms", fmt(m.vectorFlops / 1e9) + " GFLOP/s"});
        t.add({"RoPE / SiLU / residual per FLOP", "x" + fmt(m.ropeFactor, 3) + " / x" + fmt(m.activationFactor, 3) + " / x" +
                                                      fmt(m.residualFactor, 3) + " of a norm"});
        t.add({"cost per dispatched op", fmt(m.opOverheadS * 1e6) + " us"});
        t.add({"measured", m.measuredAt + (measured ? " (just now)" : " (cached)")});
        std::fputs(t.render().c_str(), stdout);
        std::printf("cache: %s\n", hostCachePath().c_str());
        return 0;
    });
}

const bool registered = registerCommand({"host", "Measure this computer (host preset, reference-engine profile).", run});

} // namespace
} // namespace llmdse
