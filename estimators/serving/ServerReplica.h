#pragma once
// One simulated server of a serving simulation (see ServingSimulator.h for the
// policy): its waiting queue, running sequences, KV blocks and steps. The
// driver around it (arrivals, router, measurement) hands it requests and runs
// its scheduling decisions in time order.
#include "estimators/serving/BlockPool.h"
#include "estimators/serving/ServingSimulator.h"

#include <deque>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

namespace llmdse {

// What the servers share with the driver: the requests, their progress, the run being recorded.
struct SimState {
    SimState(const std::vector<Request>& r, ServingRun& out);
    const std::vector<Request>& reqs;
    ServingRun& run;
    std::vector<int> generated;       // tokens delivered so far
    std::vector<double> lastDelivery; // time of the latest delivery
    std::vector<int> readyKv;         // KV tokens that need no prefill on admission (swapped out, or sent by a prefill server)
    std::vector<char> readyIsSwap;    // readyKv came back from the host (costs the copy)
    bool measured(int r) const { return r >= run.measureBegin && r < run.measureEnd; }
    // Delivers n tokens of request r at time t; true when that was its last.
    bool deliver(int r, int n, double t);
};

enum class ServerRole : unsigned char { Both, Prefill, Decode };

class ServerReplica {
public:
    ServerReplica(SimState& s, StepCostModel& m, const SchedulerConfig& c, ServerRole role);

    // A request reaches this server; false (and counted rejected) when it could never fit its cache.
    bool enqueue(int r);
    bool hasWork() const { return !running_.empty() || !waiting_.empty(); }
    // One scheduling decision from `now`: composes and runs its step(s); returns when its tokens are delivered.
    double decide(double now);
    // Requests that completed (or, for a prefill server, left for a decode server) in the last decision.
    std::vector<int>& finished() { return finished_; }
    std::vector<int>& handedOff() { return handedOff_; }
    long long outstanding() const { return outstanding_; } // enqueued, not finished or handed off
    void settle(long long n) { outstanding_ -= n; }
    double busyS() const { return busyS_; }

private:
    struct Seq {
        int req;
        int target;     // tokens whose KV it must hold before decoding: prompt (+ tokens regenerated after a preemption)
        int prefilled;
        int kv;
        int blocks;     // held: private ones plus prefix-cache nodes
        int chunk;      // prefill tokens in this step
        int steps;      // tokens to decode in this decision
        int nodes;      // index into nodeLists_ (-1: none)
        int registered; // leading blocks already looked up or registered in the prefix cache
        int group;
    };

    // Waiting requests: first come first served, or shortest prompt first.
    class Waiting {
    public:
        explicit Waiting(AdmissionOrder o) : order_(o) {}
        bool empty() const { return order_ == AdmissionOrder::Fcfs ? fifo_.empty() : heap_.empty(); }
        size_t size() const { return order_ == AdmissionOrder::Fcfs ? fifo_.size() : heap_.size(); }
        int front() const { return order_ == AdmissionOrder::Fcfs ? fifo_.front() : heap_.top().second; }
        void pop();
        void push(int r, int prompt);
        void pushFront(int r, int prompt); // preempted: ahead of everyone (FCFS), by its prompt otherwise
    private:
        AdmissionOrder order_;
        std::deque<int> fifo_;
        std::priority_queue<std::pair<int, int>, std::vector<std::pair<int, int>>, std::greater<>> heap_;
    };

    long long blocksFor(long long tokens) const { return (tokens + cfg_.blockSize - 1) / cfg_.blockSize; }
    static bool decoding(const Seq& s) { return s.prefilled == s.target; }
    int targetOf(int r) const;
    int remainingOutput(const Seq& s) const;
    int reservedOutput(int r) const;
    std::uint64_t keyFor(int r, int block) const;
    int cachedBlocks(int r, int target, long long* evictable) const;
    bool headAdmissible() const;
    bool hasPrefillWork() const;
    bool admit(int cap, bool first);
    void admitReady(double& extraS);
    bool reserveDecodeBlocks(int steps, double& extraS);
    void preempt(Seq s, double& extraS);
    void release(Seq& s);
    void registerFull(Seq& s, int computed);
    std::vector<int>& nodesOf(Seq& s);

    SimState& st_;
    StepCostModel& model_;
    const SchedulerConfig cfg_;
    const ServerRole role_;
    BlockPool pool_;
    Waiting waiting_;
    std::vector<Seq> running_;
    std::vector<std::vector<int>> nodeLists_;
    std::vector<int> spareLists_;
    std::vector<int> finished_, handedOff_;
    std::vector<long long> needs_; // reserveDecodeBlocks' scratch: new blocks per running sequence
    long long outstanding_ = 0;
    double busyS_ = 0;
};

} // namespace llmdse
