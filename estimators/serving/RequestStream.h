#pragma once
// Where a serving simulation's requests come from: a seeded Poisson process
// with sampled lengths, or a CSV trace `arrival_s,prompt,output`. Either way
// the result is sorted by arrival time.
#include "estimators/serving/LengthDistribution.h"
#include "estimators/serving/Request.h"

#include <cstdint>
#include <string>
#include <vector>

namespace llmdse {

// Requests one simulation may hold. A simulation keeps per request its arrival, lengths,
// timings and latencies (about kServingBytesPerRequest, measured with 1M requests), and a
// million requests simulate in seconds; ten million is minutes and a gigabyte or two.
constexpr std::int64_t kMaxServingRequests = 10'000'000;
constexpr double kServingBytesPerRequest = 120;
constexpr double kMaxArrivalS = 1e9; // about 32 years: a trace beyond it is a unit mistake
constexpr int kMaxPrefixGroup = 1'000'000'000;
// Refuses `count` requests (InputError on `field`) beyond the cap or the RAM available.
void requireServingCapacity(std::int64_t count, const std::string& field);

// `count` requests, exponential inter-arrival times of mean 1/rate seconds, the first at 1/rate on average.
std::vector<Request> poissonRequests(double ratePerS, std::int64_t count, const LengthDistribution& prompt,
                                     const LengthDistribution& output, std::uint64_t seed);

// A synthetic stream of conversations.
struct StreamSpec {
    double ratePerS = 0;           // Poisson starts of conversations; 0: all at time 0 (a closed loop paces them)
    std::int64_t count = 0;        // requests in all
    LengthDistribution prompt = LengthDistribution::fixed(512), output = LengthDistribution::fixed(128);
    int sharedPrefixTokens = 0;    // a system prompt in front of every conversation's first message
    int prefixGroups = 1;          // distinct system prompts, one drawn per conversation
    int turns = 1;                 // requests per conversation; a turn's prompt is the history and a new message
    std::uint64_t seed = 1;
};
// Conversations laid out turn after turn (a turn's parent is the previous turn). Prefix groups
// 0 .. prefixGroups-1 are the system prompts, prefixGroups + k the k-th conversation (turns > 1).
std::vector<Request> synthesiseRequests(const StreamSpec& spec);

// Parses trace text; errors are InputError(fileName, "line N: field", reason). Header
// `arrival_s,prompt,output`, optionally followed by `prefix_group,prefix` (a shared prefix: see Request).
// Lines may come in any order (sorted on return); blank lines and lines starting with '#' are skipped.
std::vector<Request> parseTrace(const std::string& text, const std::string& fileName);
std::vector<Request> readTraceFile(const std::string& path);

} // namespace llmdse
