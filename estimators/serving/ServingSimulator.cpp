#include "estimators/serving/ServingSimulator.h"
#include "core/Errors.h"
#include "estimators/serving/ServerReplica.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <queue>
#include <stdexcept>

namespace llmdse {

const char* toString(Router r) { return r == Router::RoundRobin ? "round-robin" : "least-loaded"; }

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

// Sends requests, routes them to the servers and runs the servers' decisions in time order.
class Driver {
public:
    Driver(const std::vector<Request>& r, StepCostModel& m, const SchedulerConfig& c, const ServingLoad& load)
        : reqs_(r), load_(load), state_(r, run_), child_(r.size(), -1)
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        run_.sentS.assign(r.size(), nan);
        run_.firstTokenS.assign(r.size(), nan);
        run_.finishS.assign(r.size(), nan);
        run_.measureBegin = std::min<std::int64_t>(load.warmup, std::int64_t(r.size()));
        run_.measureEnd = load.measured < 0 ? std::int64_t(r.size())
                                            : std::min<std::int64_t>(run_.measureBegin + load.measured, std::int64_t(r.size()));
        remaining_ = run_.measureEnd - run_.measureBegin;
        for (size_t i = 0; i < r.size(); ++i) {
            if (r[i].parent < 0) roots_.push_back(int(i));
            else child_[size_t(r[i].parent)] = int(i);
        }
        const bool split = load.decodeReplicas > 0;
        for (int i = 0; i < load.replicas; ++i)
            front_.push_back(std::make_unique<ServerReplica>(state_, m, c, split ? ServerRole::Prefill : ServerRole::Both));
        for (int i = 0; i < load.decodeReplicas; ++i)
            back_.push_back(std::make_unique<ServerReplica>(state_, m, c, ServerRole::Decode));
        for (auto* pool : {&front_, &back_})
            for (auto& s : *pool) servers_.push_back(Server{s.get(), kNever, 0});
        linkFree_.assign(front_.size(), 0.0);
        kvBytesPerToken_ = c.kvBytesPerToken;
        idlePowerW_ = c.idlePowerW;
    }

    ServingRun run()
    {
        while (remaining_ > 0) {
            double next = std::min(nextRootTime(), events_.empty() ? kNever : events_.top().t);
            for (const Server& s : servers_) next = std::min(next, s.busyUntil);
            if (next == kNever) break; // nothing left that could finish a measured request
            now_ = next;
            for (size_t i = 0; i < servers_.size(); ++i)
                if (servers_[i].busyUntil == now_) settle(i);
            if (remaining_ <= 0) break; // the measured requests are done: no cool-down request goes out after them
            while (nextRootTime() <= now_) sendRoot();
            while (!events_.empty() && events_.top().t <= now_) {
                const Event e = events_.top();
                events_.pop();
                arrive(e.req, e.handoff);
            }
            for (Server& s : servers_)
                if (s.busyUntil == kNever && s.replica->hasWork()) s.busyUntil = s.replica->decide(now_);
        }
        finish();
        return std::move(run_);
    }

private:
    struct Server {
        ServerReplica* replica;
        double busyUntil; // end of the running decision; kNever when idle
        long long routed;
    };
    struct Event {
        double t;
        long long order; // ties in sending order
        int req;
        bool handoff;    // KV arriving at the decode pool
        bool operator>(const Event& o) const { return t != o.t ? t > o.t : order > o.order; }
    };

    bool measured(int r) const { return r >= run_.measureBegin && r < run_.measureEnd; }

    double nextRootTime() const
    {
        if (nextRoot_ >= roots_.size()) return kNever;
        if (load_.concurrency > 0 && active_ >= load_.concurrency) return kNever;
        // Cool-down requests only keep the clients busy while measured ones are in flight.
        if (roots_[nextRoot_] >= run_.measureEnd && load_.concurrency == 0) return kNever;
        return std::max(reqs_[size_t(roots_[nextRoot_])].arrivalS, slotFreed_);
    }

    void sendRoot()
    {
        const int r = roots_[nextRoot_++];
        ++active_;
        send(r, now_);
    }

    void send(int r, double t)
    {
        if (measured(r) && !windowOpen_) { // the window opens with the first measured request
            windowOpen_ = true;
            tokensBefore_ = run_.outputTokens;
            completedBefore_ = run_.completedAll;
        }
        run_.sentS[size_t(r)] = t;
        events_.push(Event{t + load_.requestOverheadS, order_++, r, false});
    }

    // Picks a server of a pool: round robin, or the fewest outstanding requests (the first of equals).
    ServerReplica* route(std::vector<std::unique_ptr<ServerReplica>>& pool, size_t& turn)
    {
        if (pool.size() == 1) return pool[0].get();
        if (load_.router == Router::RoundRobin) return pool[turn++ % pool.size()].get();
        ServerReplica* best = pool[0].get();
        for (auto& s : pool)
            if (s->outstanding() < best->outstanding()) best = s.get();
        return best;
    }

    void arrive(int r, bool handoff)
    {
        ServerReplica* s = handoff ? route(back_, backTurn_) : route(front_, frontTurn_);
        if (!s->enqueue(r)) done(r, false);
    }

    // A decision of servers_[i] ended now: its finished requests complete, its handed-off ones travel.
    void settle(size_t i)
    {
        Server& s = servers_[i];
        s.busyUntil = kNever;
        auto& fin = s.replica->finished();
        auto& off = s.replica->handedOff();
        s.replica->settle((long long)(fin.size() + off.size()));
        for (int r : fin) done(r, true);
        for (int r : off) {
            // The prompt's KV (every device its shard) crosses this prefill server's link, one transfer at a time.
            const int kv = reqs_[size_t(r)].prompt;
            double& link = linkFree_[i];
            const double start = std::max(now_, link);
            const double bytes = double(kv) * kvBytesPerToken_;
            link = start + (load_.linkBytesPerS > 0 ? bytes / load_.linkBytesPerS : 0.0) + load_.linkLatencyS;
            state_.readyKv[size_t(r)] = kv;
            state_.readyIsSwap[size_t(r)] = 0;
            ++run_.handoffs;
            events_.push(Event{link, order_++, r, true});
        }
        fin.clear();
        off.clear();
    }

    // Request r completed (or was rejected): its conversation goes on, or its client takes the next request.
    void done(int r, bool completed)
    {
        if (completed) ++run_.completedAll;
        if (measured(r)) --remaining_;
        const int next = child_[size_t(r)];
        if (completed && next >= 0) {
            send(next, now_ + load_.thinkS);
            return;
        }
        --active_;
        slotFreed_ = std::max(slotFreed_, now_);
    }

    void finish()
    {
        double start = kNever, end = 0;
        for (std::int64_t r = run_.measureBegin; r < run_.measureEnd; ++r) {
            if (!std::isnan(run_.sentS[size_t(r)])) start = std::min(start, run_.sentS[size_t(r)]);
            if (!std::isnan(run_.finishS[size_t(r)])) end = std::max(end, run_.finishS[size_t(r)]);
        }
        if (run_.measureBegin == 0 || start == kNever) start = 0;
        if (end == 0) end = now_;
        run_.startS = start;
        run_.endS = std::max(end, start);
        if (run_.measureBegin == 0) tokensBefore_ = completedBefore_ = 0;
        run_.windowOutputTokens = run_.outputTokens - tokensBefore_;
        run_.windowCompleted = run_.completedAll - completedBefore_;
        double busy = 0;
        for (const Server& s : servers_) busy += s.replica->busyS();
        run_.busyS = busy;
        run_.idleS = std::max(0.0, double(servers_.size()) * run_.endS - busy);
        run_.idleEnergyJ = run_.idleS * idlePowerW_;
    }

    const std::vector<Request>& reqs_;
    const ServingLoad load_;
    ServingRun run_;
    SimState state_;
    std::vector<int> child_, roots_;
    std::vector<std::unique_ptr<ServerReplica>> front_, back_;
    std::vector<Server> servers_;
    std::vector<double> linkFree_;
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
    size_t nextRoot_ = 0, frontTurn_ = 0, backTurn_ = 0;
    long long active_ = 0, order_ = 0, tokensBefore_ = 0, completedBefore_ = 0;
    bool windowOpen_ = false;
    std::int64_t remaining_ = 0;
    double now_ = 0, slotFreed_ = 0, kvBytesPerToken_ = 0, idlePowerW_ = 0;
};

} // namespace

ServingRun simulateServing(const std::vector<Request>& requests, StepCostModel& cost, const SchedulerConfig& config,
                           const ServingLoad& load)
{
    if (config.maxBatch < 1) throw InputError("", "--max-batch", "must be >= 1");
    if (config.chunk < 0) throw InputError("", "--chunk", "must be >= 0 (0: no chunked prefill)");
    if (config.prefillBudget < 1) throw InputError("", "--prefill-budget", "must be >= 1 token");
    if (config.blockSize < 1) throw InputError("", "--block-size", "must be >= 1 token");
    if (config.kvBlocks < 1) throw InputError("", "--kv-blocks", "must be >= 1");
    if (config.stepsPerSchedule < 1) throw InputError("", "--steps-per-schedule", "must be >= 1");
    if (!(config.swapBytesPerS > 0)) throw InputError("", "swap_gb_per_s", "must be > 0");
    if (load.replicas < 1 || load.replicas > kMaxReplicas)
        throw InputError("", "--replicas", "must be between 1 and " + std::to_string(kMaxReplicas));
    if (load.decodeReplicas < 0 || load.decodeReplicas > kMaxReplicas)
        throw InputError("", "--disaggregate", "decode servers must be between 0 and " + std::to_string(kMaxReplicas));
    if (load.concurrency < 0 || load.concurrency > kMaxConcurrency)
        throw InputError("", "--concurrency", "must be between 1 and " + std::to_string(kMaxConcurrency));
    if (load.warmup < 0) throw InputError("", "--warmup", "must be >= 0");
    double last = -kNever;
    for (size_t i = 0; i < requests.size(); ++i) {
        const Request& q = requests[i];
        if (q.parent >= int(i)) throw std::invalid_argument("simulateServing: a follow-up turn must come after its parent");
        if (q.parent >= 0) continue;
        if (q.arrivalS < last) throw std::invalid_argument("simulateServing: requests must be sorted by arrival");
        last = q.arrivalS;
    }
    return Driver(requests, cost, config, load).run();
}

} // namespace llmdse
