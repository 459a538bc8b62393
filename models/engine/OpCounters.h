#pragma once
// What the engine really did, per operator (named as in the operator graph):
// FLOPs and bytes counted from the tensors it touched, and wall time.
#include <chrono>
#include <map>
#include <string>

namespace llmdse {

struct OpCount {
    double flops = 0;
    double bytes = 0;
    double seconds = 0;
    long long calls = 0;
};

class OpCounters {
public:
    void add(const std::string& op, double flops, double bytes, double seconds);
    void clear() { ops_.clear(); }
    const std::map<std::string, OpCount>& ops() const { return ops_; }
    OpCount total() const;

private:
    std::map<std::string, OpCount> ops_;
};

// Times a scope and records it with its counts.
class OpScope {
public:
    OpScope(OpCounters* c, const char* op, double flops, double bytes)
        : c_(c), op_(op), flops_(flops), bytes_(bytes), t0_(std::chrono::steady_clock::now()) {}
    ~OpScope()
    {
        if (c_) c_->add(op_, flops_, bytes_, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count());
    }
    OpScope(const OpScope&) = delete;
    OpScope& operator=(const OpScope&) = delete;

private:
    OpCounters* c_;
    const char* op_;
    double flops_, bytes_;
    std::chrono::steady_clock::time_point t0_;
};

} // namespace llmdse
