#include "estimators/serving/ServingSimulator.h"
#include "core/Errors.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <stdexcept>

namespace llmdse {

namespace {

// A running sequence. KV of `kv` tokens is stored in `blocks` blocks.
struct Seq {
    int req;
    int target;     // tokens to prefill: prompt + tokens generated before a preemption
    int prefilled;
    int kv;
    int blocks;
    int chunk;      // prefill tokens in the current step
};

class Simulation {
public:
    Simulation(const std::vector<Request>& r, StepCostModel& m, const SchedulerConfig& c)
        : reqs_(r), model_(m), cfg_(c), free_(c.kvBlocks), generated_(r.size(), 0)
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        run_.firstTokenS.assign(r.size(), nan);
        run_.finishS.assign(r.size(), nan);
        running_.reserve(size_t(c.maxBatch) + 1);
    }

    ServingRun run()
    {
        for (;;) {
            arrive();
            if (running_.empty() && waiting_.empty()) {
                if (next_ == reqs_.size()) break;
                const double at = reqs_[next_].arrivalS;
                if (at > t_) {
                    run_.idleS += at - t_;
                    t_ = at;
                }
                continue;
            }
            step();
        }
        run_.endS = t_;
        run_.idleEnergyJ = run_.idleS * cfg_.idlePowerW;
        return std::move(run_);
    }

private:
    long long blocksFor(long long tokens) const { return (tokens + cfg_.blockSize - 1) / cfg_.blockSize; }
    static bool decoding(const Seq& s) { return s.prefilled == s.target; }
    bool needsBlock(const Seq& s) const { return s.kv + 1 > (long long)s.blocks * cfg_.blockSize; }
    int targetOf(int r) const { return reqs_[r].prompt + generated_[r]; }

    void arrive()
    {
        while (next_ < reqs_.size() && reqs_[next_].arrivalS <= t_) {
            const Request& q = reqs_[next_];
            if (blocksFor((long long)q.prompt + q.output) > cfg_.kvBlocks) ++run_.rejected;
            else waiting_.push_back(int(next_));
            ++next_;
        }
    }

    // Admits the head of the queue with `tokens` of its prompt in this step, if its blocks fit.
    bool admit(int tokensCap)
    {
        if (waiting_.empty() || running_.size() >= size_t(cfg_.maxBatch)) return false;
        const int r = waiting_.front();
        const int target = targetOf(r);
        const long long nb = blocksFor(target);
        if (nb > free_) return false;
        waiting_.pop_front();
        free_ -= nb;
        running_.push_back(Seq{r, target, 0, 0, int(nb), std::min(tokensCap, target)});
        return true;
    }

    // Frees blocks for this step's decodes, preempting the most recently admitted sequences.
    bool reserveDecodeBlocks()
    {
        long long need = 0;
        for (const Seq& s : running_) need += decoding(s) && needsBlock(s);
        bool preempted = false;
        while (need > free_ && !running_.empty()) {
            const Seq s = running_.back();
            running_.pop_back();
            free_ += s.blocks;
            need -= decoding(s) && needsBlock(s);
            waiting_.push_front(s.req);
            ++run_.preemptions;
            preempted = true;
        }
        return preempted;
    }

    void step()
    {
        int prefillTokens = 0;
        const bool prefillOnly = cfg_.chunk == 0 && !waiting_.empty() &&
                                 running_.size() < size_t(cfg_.maxBatch) && blocksFor(targetOf(waiting_.front())) <= free_;
        if (prefillOnly) {
            while (!waiting_.empty()) {
                const int target = targetOf(waiting_.front());
                if (prefillTokens > 0 && prefillTokens + target > cfg_.prefillBudget) break;
                if (!admit(target)) break;
                prefillTokens += target;
            }
        } else {
            const bool preempted = reserveDecodeBlocks();
            int budget = cfg_.chunk;
            for (Seq& s : running_) {
                if (decoding(s)) {
                    if (needsBlock(s)) {
                        ++s.blocks;
                        --free_;
                    }
                } else if (budget > 0) {
                    s.chunk = std::min(budget, s.target - s.prefilled);
                    budget -= s.chunk;
                }
            }
            // After a preemption the cache is full: admitting now would only thrash.
            while (budget > 0 && !preempted && admit(budget)) budget -= running_.back().chunk;
            prefillTokens = cfg_.chunk - budget;
        }

        int decodes = 0, prefills = 0;
        double context = 0;
        for (const Seq& s : running_) {
            if (s.chunk > 0) ++prefills;
            else if (!prefillOnly && decoding(s)) {
                ++decodes;
                context += s.kv + 1;
            }
        }
        if (decodes == 0 && prefillTokens == 0) throw std::logic_error("serving simulation: a step with no work");
        const StepCost c = model_.step(decodes, decodes ? context / decodes : 0.0, prefillTokens);
        t_ += c.timeS;
        run_.busyS += c.timeS;
        run_.stepEnergyJ += c.energyJ;
        run_.prefillTokens += prefillTokens;
        run_.sumBatch += decodes + prefills;
        ++run_.steps;

        size_t kept = 0;
        for (size_t i = 0; i < running_.size(); ++i) {
            Seq s = running_[i];
            bool done = false;
            if (s.chunk > 0) {
                s.prefilled += s.chunk;
                s.chunk = 0;
                if (decoding(s)) {  // prefill complete: its last position yields the next token
                    s.kv = s.target;
                    done = emit(s.req);
                }
            } else if (!prefillOnly && decoding(s)) {
                ++s.kv;
                done = emit(s.req);
            }
            if (done) free_ += s.blocks;
            else running_[kept++] = s;
        }
        running_.resize(kept);
    }

    // One more token of request r at the current time; true when it was the last.
    bool emit(int r)
    {
        ++run_.outputTokens;
        if (++generated_[r] == 1) run_.firstTokenS[r] = t_;
        if (generated_[r] < reqs_[r].output) return false;
        run_.finishS[r] = t_;
        return true;
    }

    const std::vector<Request>& reqs_;
    StepCostModel& model_;
    const SchedulerConfig cfg_;
    long long free_;
    std::vector<int> generated_;
    std::vector<Seq> running_;
    std::deque<int> waiting_;
    size_t next_ = 0;
    double t_ = 0;
    ServingRun run_;
};

} // namespace

ServingRun simulateServing(const std::vector<Request>& requests, StepCostModel& cost, const SchedulerConfig& config)
{
    if (config.maxBatch < 1) throw InputError("", "--max-batch", "must be >= 1");
    if (config.chunk < 0) throw InputError("", "--chunk", "must be >= 0 (0: no chunked prefill)");
    if (config.prefillBudget < 1) throw InputError("", "--prefill-budget", "must be >= 1 token");
    if (config.blockSize < 1) throw InputError("", "--block-size", "must be >= 1 token");
    if (config.kvBlocks < 1) throw InputError("", "--kv-blocks", "must be >= 1");
    if (!std::is_sorted(requests.begin(), requests.end(),
                        [](const Request& a, const Request& b) { return a.arrivalS < b.arrivalS; }))
        throw std::invalid_argument("simulateServing: requests must be sorted by arrival");
    return Simulation(requests, cost, config).run();
}

} // namespace llmdse
