#pragma once
// Next-token choice: greedy, or seeded temperature + nucleus (top-p) sampling.
#include <Eigen/Dense>
#include <cstdint>
#include <random>

namespace llmdse {

struct SamplingOptions {
    bool greedy = true;
    double temperature = 1.0;
    double topP = 1.0;
    std::uint64_t seed = 0;
};

class Sampler {
public:
    explicit Sampler(const SamplingOptions& o) : o_(o), rng_(o.seed) {}
    int next(const Eigen::Ref<const Eigen::RowVectorXf>& logits);

private:
    SamplingOptions o_;
    std::mt19937_64 rng_;
};

} // namespace llmdse
