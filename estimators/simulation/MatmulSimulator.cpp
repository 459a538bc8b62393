#include "estimators/simulation/MatmulSimulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

namespace llmdse {

namespace {

constexpr double kAccBytes = 4; // fp32 partial sums

enum class Engine { ArrayWs, ArrayOs, Vector };

// A dimension cut into tiles of `t`: `count` full tiles and at most one remainder tile.
struct Cut {
    double size[2];
    double count[2];
    int classes;
};

Cut cut(double dim, double t)
{
    Cut c{};
    const double full = std::floor(dim / t), rem = dim - full * t;
    c.classes = 0;
    if (full > 0) { c.size[c.classes] = t; c.count[c.classes++] = full; }
    if (rem > 0) { c.size[c.classes] = rem; c.count[c.classes++] = 1; }
    return c;
}

std::vector<double> tileOptions(double dim, double unit)
{
    std::vector<double> v;
    if (dim <= unit) return {dim};
    for (double t = unit; t < dim; t *= 2) v.push_back(t);
    v.push_back(dim);
    return v;
}

struct Costing {
    const MatmulShape& s;
    const TemplateRates& r;
    Engine engine;
    double mpp;  // MACs per PE per cycle
    double rowsK; // K values an array column consumes per cycle (rows x packing)
};

// With an operand-feed level each of a core's arrays keeps a block of the tile's accumulators in its
// register file; the core's arrays split the tile a1 ways along m and a2 along n (a1 x a2 = arrays), and
// each block reads its rows of A and its columns of B from the local SRAM once per k step. Returns the
// local-SRAM bytes of one tile for the cheapest split.
double registerBlockedReads(double sm, double sn, double sk, double aBytes, double bBytes, int arrays)
{
    double best = std::numeric_limits<double>::infinity();
    for (int a1 = 1; a1 <= arrays; ++a1) {
        if (arrays % a1) continue;
        const double a2 = arrays / a1;
        // A block is never narrower than one row or column: extra arrays along a short side re-read nothing new.
        const double splitsN = std::min(a2, sn), splitsM = std::min(double(a1), sm);
        best = std::min(best, sk * (sm * aBytes * splitsN + sn * bBytes * splitsM));
    }
    return best;
}

OpSim evaluate(const Costing& c, double tm, double tn, double tk, bool nOuter)
{
    const MatmulShape& s = c.s;
    const TemplateRates& r = c.r;
    const double R = r.rows, C = r.cols, P = r.cores, A = r.arrays;
    const double nM = std::ceil(s.m / tm), nN = std::ceil(s.n / tn);
    const bool feed = r.hasFeed() && c.engine != Engine::Vector;

    // Off-chip traffic per instance under this loop order; the global buffer keeps
    // an operand (half its capacity each) when it fits, else it is fetched again.
    const double halfG = r.globalBytes / 2;
    const double aAll = s.m * s.k * s.aBytes, bAll = s.k * s.n * s.bBytes, oAll = s.m * s.n * s.oBytes;
    double aDram, bDram;
    if (nOuter) {
        bDram = bAll * (s.k * tn * s.bBytes <= halfG ? 1 : nM);
        aDram = aAll * (aAll <= halfG ? 1 : nN);
    } else {
        aDram = aAll * (tm * s.k * s.aBytes <= halfG ? 1 : nN);
        bDram = bAll * (bAll <= halfG ? 1 : nM);
    }
    if (s.aOnChip) aDram = 0;
    const double dram = (aDram + bDram + (s.oOnChip ? 0 : oAll)) * s.causal;
    const double volume = s.m * s.n * s.k;

    const Cut cm = cut(s.m, tm), cn = cut(s.n, tn), ck = cut(s.k, tk);
    double cycles = 0, compute = 0, onchip = 0, offchip = 0, local = 0, global = 0;
    const double dramPerCore = r.dramPerCycle / P, globalPerCore = r.globalPerCycle / P;
    for (int i = 0; i < cm.classes; ++i)
        for (int j = 0; j < cn.classes; ++j)
            for (int l = 0; l < ck.classes; ++l) {
                const double sm = cm.size[i], sn = cn.size[j], sk = ck.size[l];
                const double count = cm.count[i] * cn.count[j] * ck.count[l];
                double cyc, arrayRead;
                const double nFolds = std::ceil(sn / C);
                if (c.engine == Engine::ArrayWs) {
                    // Weights held in the PEs, next fold's weights shifted in (R cycles) while this one streams;
                    // the core's arrays take folds side by side.
                    const double folds = std::ceil(sk / c.rowsK) * nFolds;
                    cyc = std::ceil(folds / A) * std::max(sm, R);
                    arrayRead = sm * sk * s.aBytes * nFolds + sk * sn * s.bBytes + 2 * sm * sn * kAccBytes;
                } else if (c.engine == Engine::ArrayOs) {
                    // Outputs held in the PEs; A and B stream through for sk / packing cycles per fold.
                    const double folds = std::ceil(sm / R) * nFolds;
                    cyc = std::ceil(folds / A) * std::ceil(sk / c.mpp);
                    arrayRead = sm * sk * s.aBytes * nFolds + sk * sn * s.bBytes * std::ceil(sm / R) + sm * sn * kAccBytes;
                } else {
                    cyc = std::ceil(sm * sn * sk / (r.lanes * c.mpp)); // 32-bit lanes pack narrower operands
                    arrayRead = sm * sk * s.aBytes + sk * sn * s.bBytes + sm * sn * kAccBytes;
                }
                // A tuned kernel keeps the arrays issuing only part of the time (clock under load, issue slots).
                if (c.engine != Engine::Vector) cyc /= r.arrayEfficiency;
                // The arrays read the operand-feed level when there is one, which reads the local SRAM per block.
                const double localRead = feed ? registerBlockedReads(sm, sn, sk, s.aBytes, s.bBytes, r.arrays) : arrayRead;
                const double tFeed = feed ? arrayRead / r.feedPerCycle : 0;
                const double fill = sm * sk * s.aBytes + sk * sn * s.bBytes;
                const double tileDram = dram * (sm * sn * sk) / volume;
                const double tLocal = localRead / r.localPerCycle;
                const double tGlobal = fill / globalPerCore;
                const double tDram = tileDram / dramPerCore;
                cycles += count * std::max({cyc, tFeed, tLocal, tGlobal, tDram});
                compute += count * cyc;
                onchip += count * std::max({tFeed, tLocal, tGlobal});
                offchip += count * tDram;
                local += count * localRead;
                global += count * fill;
            }
    // Output tiles spread over the cores; the busiest core sets the pace.
    const double outTiles = nM * nN * s.instances * s.causal;
    const double imbalance = std::ceil(outTiles / P) / (outTiles / P);
    const double fillDrain = c.engine == Engine::Vector ? 0 : (R + C - 2) * std::ceil(outTiles / P);
    const double prologue = (std::min(tm, s.m) * std::min(tk, s.k) * s.aBytes + std::min(tk, s.k) * std::min(tn, s.n) * s.bBytes) /
                            r.dramPerCycle;
    OpSim o;
    const double perCore = s.instances * s.causal / P * imbalance;
    o.cycles = cycles * perCore + fillDrain + prologue;
    o.computeCycles = compute * perCore + fillDrain;
    o.seconds = o.cycles / r.hz;
    o.dramBytes = dram * s.instances;
    o.globalBytes = (global + oAll) * s.instances * s.causal;
    o.localBytes = local * s.instances * s.causal;
    const double macs = volume * s.instances * s.causal;
    const double peakMacs = c.engine == Engine::Vector ? r.lanes * c.mpp : R * C * A * c.mpp;
    o.utilisation = macs / (peakMacs * P * o.cycles);
    const double comp = compute, mem = std::max(onchip, offchip);
    o.bound = comp >= mem ? Bound::Compute : Bound::Memory;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s %gx%gx%g %s", c.engine == Engine::ArrayWs ? "array-ws"
                                                     : c.engine == Engine::ArrayOs ? "array-os" : "vector",
                  std::min(tm, s.m), std::min(tn, s.n), std::min(tk, s.k), nOuter ? "n-outer" : "m-outer");
    o.mapping = buf;
    return o;
}

} // namespace

OpSim simulateMatmul(const MatmulShape& s, const TemplateRates& r)
{
    const Precision p = r.arrayPrecision(s.precision);
    const double mpp = r.macsPerPe(p);
    std::vector<Costing> engines;
    if (mpp > 0) {
        const Engine e = r.tpl->dataflow == Dataflow::WeightStationary ? Engine::ArrayWs : Engine::ArrayOs;
        engines.push_back({s, r, e, mpp, r.rows * mpp});
    }
    // The vector unit's 32-bit lanes do one fp32 FMA, or several packed narrower ones, per cycle.
    const double lanePack = std::max(1.0, 4.0 / bytesPerElement(s.precision));
    engines.push_back({s, r, Engine::Vector, lanePack, double(r.rows)});

    OpSim best;
    best.seconds = std::numeric_limits<double>::infinity();
    for (const Costing& c : engines) {
        const double unitM = c.engine == Engine::ArrayOs ? r.rows : (c.engine == Engine::ArrayWs ? r.rows : 1);
        const double unitN = c.engine == Engine::Vector ? r.lanes : r.cols;
        const double unitK = c.engine == Engine::ArrayWs ? c.rowsK : (c.engine == Engine::Vector ? 64 : r.rows);
        bool any = false;
        for (int pass = 0; pass < 2 && !any; ++pass)
            for (double tm : tileOptions(s.m, unitM))
                for (double tn : tileOptions(s.n, unitN))
                    for (double tk : tileOptions(s.k, unitK)) {
                        // Accumulators live in the operand-feed level when there is one (and must fit there),
                        // else beside the double-buffered operands in the local SRAM.
                        const bool feed = r.hasFeed() && c.engine != Engine::Vector;
                        const double acc = tm * tn * kAccBytes;
                        const double need = 2 * (tm * tk * s.aBytes + tk * tn * s.bBytes) + (feed ? 0 : acc);
                        // Second pass: nothing fitted; take the smallest tiles and let them spill.
                        if (pass == 0 && (need > r.localBytes || (feed && acc > r.feedBytes))) continue;
                        if (pass == 1 && (tm != tileOptions(s.m, unitM).front() || tn != tileOptions(s.n, unitN).front() ||
                                          tk != tileOptions(s.k, unitK).front()))
                            continue;
                        any = true;
                        for (bool nOuter : {true, false}) {
                            OpSim o = evaluate(c, tm, tn, tk, nOuter);
                            if (o.seconds < best.seconds) best = std::move(o);
                        }
                    }
    }
    best.macs[int(p)] = s.m * s.n * s.k * s.instances * s.causal;
    return best;
}

} // namespace llmdse
