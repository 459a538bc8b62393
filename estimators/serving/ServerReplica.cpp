#include "estimators/serving/ServerReplica.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace llmdse {

SimState::SimState(const std::vector<Request>& r, ServingRun& out)
    : reqs(r), run(out), generated(r.size(), 0), lastDelivery(r.size(), 0.0), readyKv(r.size(), 0),
      readyIsSwap(r.size(), 0)
{
}

bool SimState::deliver(int r, int n, double t)
{
    const bool first = generated[size_t(r)] == 0;
    generated[size_t(r)] += n;
    run.outputTokens += n;
    if (first) run.firstTokenS[size_t(r)] = t;
    else if (measured(r)) run.itlS.add(t - lastDelivery[size_t(r)]);
    lastDelivery[size_t(r)] = t;
    if (generated[size_t(r)] < reqs[size_t(r)].output) return false;
    run.finishS[size_t(r)] = t;
    return true;
}

void ServerReplica::Waiting::pop()
{
    if (order_ == AdmissionOrder::Fcfs) fifo_.pop_front();
    else heap_.pop();
}

void ServerReplica::Waiting::push(int r, int prompt)
{
    if (order_ == AdmissionOrder::Fcfs) fifo_.push_back(r);
    else heap_.emplace(prompt, r);
}

void ServerReplica::Waiting::pushFront(int r, int prompt)
{
    if (order_ == AdmissionOrder::Fcfs) fifo_.push_front(r);
    else heap_.emplace(prompt, r);
}

ServerReplica::ServerReplica(SimState& s, StepCostModel& m, const SchedulerConfig& c, ServerRole role)
    : st_(s), model_(m), cfg_(c), role_(role), pool_(c.kvBlocks, c.prefixCaching), waiting_(c.order)
{
    running_.reserve(size_t(std::min(c.maxBatch, 256)) + 1);
}

bool ServerReplica::enqueue(int r)
{
    const Request& q = st_.reqs[size_t(r)];
    if (blocksFor((long long)q.prompt + q.output) > pool_.total()) {
        ++st_.run.rejected;
        return false;
    }
    waiting_.push(r, q.prompt);
    ++outstanding_;
    return true;
}

int ServerReplica::targetOf(int r) const
{
    if (st_.readyKv[size_t(r)] > 0) return st_.readyKv[size_t(r)];
    return st_.reqs[size_t(r)].prompt + st_.generated[size_t(r)];
}

// Blocks a reserving scheduler takes at admission for the tokens still to come.
int ServerReplica::reservedOutput(int r) const
{
    if (cfg_.preemption != Preemption::Reserve) return 0;
    return st_.reqs[size_t(r)].output - st_.generated[size_t(r)];
}

int ServerReplica::remainingOutput(const Seq& s) const
{
    return st_.reqs[size_t(s.req)].output - st_.generated[size_t(s.req)];
}

// Block b of request r's tokens as the cache names it: the wider shared prefix's, else its group's.
std::uint64_t ServerReplica::keyFor(int r, int b) const
{
    const Request& q = st_.reqs[size_t(r)];
    if (q.sharedGroup >= 0 && (long long)(b + 1) * cfg_.blockSize <= q.sharedTokens) return BlockPool::key(q.sharedGroup, b);
    return BlockPool::key(q.prefixGroup, b);
}

// Leading blocks of r's prompt the prefix cache holds (at least its last token is always computed);
// *evictable counts those nobody holds now (admitting takes them off the free list).
int ServerReplica::cachedBlocks(int r, int target, long long* evictable) const
{
    *evictable = 0;
    const Request& q = st_.reqs[size_t(r)];
    if (!pool_.caching() || q.prefixGroup < 0 || st_.readyKv[size_t(r)] > 0) return 0;
    // A recomputed request may find all it computed before; a fresh one only its declared prefix.
    const int shared = st_.generated[size_t(r)] > 0 ? target - 1 : std::min(q.prefix, target - 1);
    const int limit = shared / cfg_.blockSize;
    int hits = 0;
    for (; hits < limit; ++hits) {
        const int node = pool_.lookup(keyFor(r, hits));
        if (node < 0) break;
        *evictable += pool_.evictable(node);
    }
    return hits;
}

bool ServerReplica::headAdmissible() const
{
    if (waiting_.empty() || running_.size() >= size_t(cfg_.maxBatch)) return false;
    const int r = waiting_.front();
    if (st_.readyKv[size_t(r)] > 0) return false; // admitted without prefill (admitReady)
    const int target = targetOf(r);
    long long evictable = 0;
    const int hits = cachedBlocks(r, target, &evictable);
    return blocksFor((long long)target + reservedOutput(r)) - hits <= pool_.available() - evictable;
}

bool ServerReplica::hasPrefillWork() const
{
    for (const Seq& s : running_)
        if (!decoding(s)) return true;
    return headAdmissible();
}

std::vector<int>& ServerReplica::nodesOf(Seq& s)
{
    if (s.nodes < 0) {
        if (!spareLists_.empty()) {
            s.nodes = spareLists_.back();
            spareLists_.pop_back();
        } else {
            s.nodes = int(nodeLists_.size());
            nodeLists_.emplace_back();
        }
    }
    return nodeLists_[size_t(s.nodes)];
}

void ServerReplica::release(Seq& s)
{
    long long shared = 0;
    if (s.nodes >= 0) {
        auto& list = nodeLists_[size_t(s.nodes)];
        for (int n : list) pool_.release(n);
        shared = (long long)list.size();
        list.clear();
        spareLists_.push_back(s.nodes);
        s.nodes = -1;
    }
    pool_.freePrivate(s.blocks - shared);
    s.blocks = 0;
}

// Gives the full blocks of s's first `computed` tokens to the prefix cache (requests of a prefix group only).
void ServerReplica::registerFull(Seq& s, int computed)
{
    if (!pool_.caching() || s.group < 0) return;
    const int full = computed / cfg_.blockSize;
    while (s.registered < full) {
        const int node = pool_.registerBlock(keyFor(s.req, s.registered++));
        if (node >= 0) nodesOf(s).push_back(node);
    }
}

// Admits the head of the queue with at most `cap` prompt tokens in this step (whole prompts only
// without chunking, except the step's first), if its blocks fit.
bool ServerReplica::admit(int cap, bool first)
{
    if (waiting_.empty() || running_.size() >= size_t(cfg_.maxBatch)) return false;
    const int r = waiting_.front();
    if (st_.readyKv[size_t(r)] > 0) return false;
    const int target = targetOf(r);
    long long evictable = 0;
    const int hits = cachedBlocks(r, target, &evictable);
    const long long fresh = blocksFor((long long)target + reservedOutput(r)) - hits;
    if (fresh > pool_.available() - evictable) return false;
    const int toPrefill = target - hits * cfg_.blockSize;
    if (cfg_.chunk == 0 && toPrefill > cap && !first) return false;
    waiting_.pop();
    Seq s{r, target, hits * cfg_.blockSize, 0, int(fresh) + hits, std::min(cap, toPrefill), 0, -1, hits,
          st_.reqs[size_t(r)].prefixGroup};
    if (cfg_.chunk == 0) s.chunk = toPrefill;
    if (hits > 0) {
        auto& list = nodesOf(s);
        for (int b = 0; b < hits; ++b) {
            const int node = pool_.lookup(keyFor(r, b));
            pool_.acquire(node);
            list.push_back(node);
        }
    }
    for (long long b = 0; b < fresh; ++b) pool_.allocate();
    st_.run.promptTokens += target;
    st_.run.cachedPromptTokens += (long long)hits * cfg_.blockSize;
    running_.push_back(s);
    return true;
}

// Requests whose KV needs no prefill (swapped out, or computed by a prefill server) join when their blocks fit.
void ServerReplica::admitReady(double& extraS)
{
    while (!waiting_.empty() && running_.size() < size_t(cfg_.maxBatch)) {
        const int r = waiting_.front();
        const int kv = st_.readyKv[size_t(r)];
        if (kv == 0) return;
        const long long need = blocksFor((long long)kv + reservedOutput(r));
        if (need > pool_.available()) return;
        waiting_.pop();
        for (long long b = 0; b < need; ++b) pool_.allocate();
        if (st_.readyIsSwap[size_t(r)]) extraS += double(kv) * cfg_.kvBytesPerToken / cfg_.swapBytesPerS;
        st_.readyKv[size_t(r)] = 0;
        st_.readyIsSwap[size_t(r)] = 0;
        running_.push_back(Seq{r, kv, kv, kv, int(need), 0, 0, -1, 0, -1});
    }
}

void ServerReplica::preempt(Seq s, double& extraS)
{
    const int r = s.req;
    const bool swap = cfg_.preemption == Preemption::Swap && decoding(s) && s.kv > 0;
    release(s);
    if (swap) {
        extraS += double(s.kv) * cfg_.kvBytesPerToken / cfg_.swapBytesPerS;
        st_.readyKv[size_t(r)] = s.kv;
        st_.readyIsSwap[size_t(r)] = 1;
        ++st_.run.swaps;
    } else {
        st_.readyKv[size_t(r)] = 0; // recomputed here, whatever server computed it first
    }
    waiting_.pushFront(r, st_.reqs[size_t(r)].prompt);
    ++st_.run.preemptions;
}

// Gives every decoding sequence the blocks for its next `steps` tokens, preempting the most recently
// admitted sequences while they do not fit. True when something was preempted.
bool ServerReplica::reserveDecodeBlocks(int steps, double& extraS)
{
    // One pass to size every decoding sequence's tokens and new blocks (most need none: their last
    // block has room), then preemptions from the back, then the allocations.
    needs_.resize(running_.size());
    long long total = 0;
    for (size_t i = 0; i < running_.size(); ++i) {
        Seq& s = running_[i];
        long long need = 0;
        if (decoding(s)) {
            s.steps = std::min(steps, remainingOutput(s));
            if ((long long)s.kv + s.steps > (long long)s.blocks * cfg_.blockSize)
                need = blocksFor((long long)s.kv + s.steps) - s.blocks;
        }
        needs_[i] = need;
        total += need;
    }
    bool preempted = false;
    while (total > pool_.available() && !running_.empty()) {
        const Seq s = running_.back();
        running_.pop_back();
        total -= needs_[running_.size()];
        preempt(s, extraS);
        preempted = true;
    }
    for (size_t i = 0; i < running_.size(); ++i)
        for (long long b = needs_[i]; b > 0; --b) {
            pool_.allocate();
            ++running_[i].blocks;
        }
    return preempted;
}

double ServerReplica::decide(double now)
{
    finished_.clear();
    handedOff_.clear();
    double extraS = 0; // swap copies, serial with the step
    admitReady(extraS);

    const int budget = cfg_.prefillBudget;
    const bool prefillStep = !cfg_.mixed && hasPrefillWork();
    int steps = 1;
    int decodes = 0;
    bool preempted = false;
    if (!prefillStep) {
        const bool prefillToo = cfg_.mixed && hasPrefillWork();
        steps = prefillToo ? 1 : cfg_.stepsPerSchedule;
        preempted = reserveDecodeBlocks(steps, extraS);
        for (const Seq& s : running_) decodes += decoding(s) && s.steps > 0;
    }
    int prefillTokens = 0;
    if (prefillStep || cfg_.mixed) {
        int cap = budget - decodes;
        if (cfg_.chunk > 0) cap = std::min(cap, cfg_.chunk);
        int left = std::max(0, cap);
        for (Seq& s : running_) {
            if (decoding(s) || left <= 0) continue;
            s.chunk = std::min(left, s.target - s.prefilled);
            left -= s.chunk;
            prefillTokens += s.chunk;
        }
        // After a preemption the cache is full: admitting now would only thrash.
        while (!preempted && (left > 0 || (cfg_.chunk == 0 && prefillTokens == 0)) &&
               admit(left, prefillTokens == 0)) {
            left -= running_.back().chunk;
            prefillTokens += running_.back().chunk;
        }
        if (prefillTokens > 0) steps = 1;
    }
    if (prefillTokens > 0 && steps == 1) {
        // A decode block was reserved for more steps than run: the extra blocks stay with their sequences.
        for (Seq& s : running_)
            if (decoding(s)) s.steps = std::min(s.steps, 1);
    }
    if (decodes == 0 && prefillTokens == 0 && extraS == 0) {
        if (running_.empty() && waiting_.empty()) return now;
        throw std::logic_error("serving simulation: a step with no work");
    }

    // Cost: one step, or a block of decode steps for the same sequences (those that finish inside it
    // keep their place until the block ends).
    double context = 0;
    int prefills = 0;
    for (const Seq& s : running_) {
        if (s.chunk > 0) ++prefills;
        else if (decoding(s) && s.steps > 0) context += s.kv + 1;
    }
    const double meanContext = decodes ? context / decodes : 0.0;
    double stepsS = 0, energyJ = 0;
    for (int k = 0; k < steps; ++k) {
        const StepCost c = model_.step(decodes, meanContext + k, k == 0 ? prefillTokens : 0);
        stepsS += c.timeS;
        energyJ += c.energyJ;
    }
    const double hostS = cfg_.scheduleOverheadS + extraS; // the device idles meanwhile
    const double end = now + hostS + stepsS;
    ServingRun& run = st_.run;
    run.steps += steps;
    ++run.decisions;
    run.stepEnergyJ += energyJ + hostS * cfg_.idlePowerW;
    run.prefillTokens += prefillTokens;
    run.sumBatch += double(decodes + prefills) * steps;
    busyS_ += hostS + stepsS;

    size_t kept = 0;
    for (size_t i = 0; i < running_.size(); ++i) {
        Seq s = running_[i];
        bool done = false, leaves = false;
        if (s.chunk > 0) {
            s.prefilled += s.chunk;
            s.chunk = 0;
            registerFull(s, s.prefilled);
            if (decoding(s)) { // prefill complete: its last position yields the next token
                s.kv = s.target;
                done = st_.deliver(s.req, 1, end);
                leaves = !done && role_ == ServerRole::Prefill;
            }
        } else if (decoding(s) && s.steps > 0) {
            s.kv += s.steps;
            registerFull(s, s.kv);
            done = st_.deliver(s.req, s.steps, end);
            s.steps = 0;
        }
        if (done || leaves) {
            release(s);
            (done ? finished_ : handedOff_).push_back(s.req);
        } else {
            running_[kept++] = s;
        }
    }
    running_.resize(kept);
    return end;
}

} // namespace llmdse
