#include "models/OpGraph.h"
#include "models/DecoderLayerOps.h"

namespace llmdse {

const char* toString(Phase p) { return p == Phase::Prefill ? "prefill" : "decode"; }

double OpGraph::totalFlops(double c) const
{
    double s = 0;
    for (const auto& op : ops) s += op.count * op.flops.at(c);
    return s;
}

double OpGraph::totalBytes(double c) const
{
    double s = 0;
    for (const auto& op : ops) s += op.count * op.bytes().at(c);
    return s;
}

void buildPrefill(const ModelSpec& m, const Optimizations& o, const Parallelism& p, int batch, int prompt, OpGraph& out)
{
    out.ops.clear();
    out.phase = Phase::Prefill;
    out.batch = batch;
    out.tokensPerSequence = prompt;
    DecoderOpsBuilder(m, o, p, out).build();
}

void buildDecode(const ModelSpec& m, const Optimizations& o, const Parallelism& p, int batch, OpGraph& out)
{
    out.ops.clear();
    out.phase = Phase::Decode;
    out.batch = batch;
    out.tokensPerSequence = 1;
    DecoderOpsBuilder(m, o, p, out).build();
}

} // namespace llmdse
