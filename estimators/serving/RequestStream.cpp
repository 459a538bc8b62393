#include "estimators/serving/RequestStream.h"
#include "core/Design.h"
#include "core/Errors.h"
#include "core/HostMemory.h"
#include "core/InputFile.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace llmdse {

std::vector<Request> poissonRequests(double ratePerS, std::int64_t count, const LengthDistribution& prompt,
                                     const LengthDistribution& output, std::uint64_t seed)
{
    if (!(ratePerS > 0) || !std::isfinite(ratePerS)) throw InputError("", "--rate", "must be > 0 requests/s");
    StreamSpec s;
    s.ratePerS = ratePerS;
    s.count = count;
    s.prompt = prompt;
    s.output = output;
    s.seed = seed;
    return synthesiseRequests(s);
}

std::vector<Request> synthesiseRequests(const StreamSpec& spec)
{
    if (spec.ratePerS < 0 || !std::isfinite(spec.ratePerS)) throw InputError("", "--rate", "must be > 0 requests/s");
    if (spec.count < 1) throw InputError("", "--requests", "must be >= 1");
    if (spec.turns < 1) throw InputError("", "--turns", "must be >= 1");
    if (spec.prefixGroups < 1) throw InputError("", "--shared-prefix", "needs at least one group");
    if (spec.sharedPrefixTokens < 0 || spec.sharedPrefixTokens > kMaxTokens)
        throw InputError("", "--shared-prefix", "must be between 0 and " + std::to_string(kMaxTokens) + " tokens");
    requireServingCapacity(spec.count, "--requests");
    std::mt19937_64 rng(spec.seed);
    std::exponential_distribution<double> gap(spec.ratePerS > 0 ? spec.ratePerS : 1.0);
    std::vector<Request> r(static_cast<size_t>(spec.count));
    const auto capped = [](long long tokens) { return int(std::min<long long>(tokens, kMaxTokens)); };
    double t = 0;
    int conversation = 0, system = -1;
    for (size_t i = 0; i < r.size(); ++i) {
        Request& q = r[i];
        const int turn = int(i % size_t(spec.turns));
        if (turn == 0 && spec.ratePerS > 0) t += gap(rng);
        q.arrivalS = t;
        q.prompt = spec.prompt.sample(rng);
        q.output = spec.output.sample(rng);
        if (turn == 0) {
            ++conversation;
            if (spec.sharedPrefixTokens > 0)
                system = spec.prefixGroups > 1 ? std::uniform_int_distribution<int>(0, spec.prefixGroups - 1)(rng) : 0;
            q.prompt = capped((long long)q.prompt + spec.sharedPrefixTokens);
            q.prefix = spec.sharedPrefixTokens;
        } else {
            const Request& before = r[i - 1];
            q.parent = int(i - 1);
            q.prefix = capped((long long)before.prompt + before.output);
            q.prompt = capped((long long)q.prefix + q.prompt);
        }
        if (spec.turns > 1) { // the conversation is the group; its system prompt is shared wider
            q.prefixGroup = spec.prefixGroups + conversation - 1;
            if (spec.sharedPrefixTokens > 0) {
                q.sharedGroup = system;
                q.sharedTokens = spec.sharedPrefixTokens;
            }
        } else if (spec.sharedPrefixTokens > 0) {
            q.prefixGroup = system;
        } else {
            q.prefix = 0;
        }
    }
    return r;
}

void requireServingCapacity(std::int64_t count, const std::string& field)
{
    if (count > kMaxServingRequests)
        throw InputError("", field, std::to_string(count) + " requests exceed the " + std::to_string(kMaxServingRequests) +
                                        " one simulation holds (simulate a sample of the stream)");
    requireMemory(double(count) * kServingBytesPerRequest, field, std::to_string(count) + " simulated requests");
}

namespace {

std::string trimmed(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

double field(const std::string& text, const std::string& file, int line, const char* name, bool whole, double minimum,
             double maximum)
{
    const std::string where = "line " + std::to_string(line) + ": " + name;
    size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (text.empty()) throw InputError(file, where, "missing value");
    if (used != text.size() || !std::isfinite(v)) throw InputError(file, where, "must be a number, got '" + text + "'");
    if (whole && v != std::floor(v)) throw InputError(file, where, "must be a whole number, got '" + text + "'");
    if (v < minimum || v > maximum) {
        std::ostringstream m;
        m << "must be between " << minimum << " and " << maximum << ", got '" << text << "'";
        throw InputError(file, where, m.str());
    }
    return v;
}

} // namespace

std::vector<Request> parseTrace(const std::string& text, const std::string& fileName)
{
    std::istringstream in(text);
    std::string line;
    int number = 0;
    bool header = false;
    size_t width = 3;
    std::vector<Request> out;
    while (std::getline(in, line)) {
        ++number;
        if (line.size() > size_t(kMaxLineBytes))
            throw InputError(fileName, "line " + std::to_string(number),
                             "longer than " + std::to_string(kMaxLineBytes) + " bytes: not a trace row");
        line = trimmed(line);
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cells;
        std::stringstream cs(line);
        std::string c;
        while (std::getline(cs, c, ',')) cells.push_back(trimmed(c));
        if (line.back() == ',') cells.push_back("");
        if (!header) {
            const std::vector<std::string> basic{"arrival_s", "prompt", "output"};
            const std::vector<std::string> shared{"arrival_s", "prompt", "output", "prefix_group", "prefix"};
            if (cells != basic && cells != shared)
                throw InputError(fileName, "line " + std::to_string(number) + ": header",
                                 "expected 'arrival_s,prompt,output' or 'arrival_s,prompt,output,prefix_group,prefix', got '" +
                                     line + "'");
            header = true;
            width = cells.size();
            continue;
        }
        if (cells.size() != width)
            throw InputError(fileName, "line " + std::to_string(number),
                             "expected " + std::to_string(width) + " comma-separated fields (" +
                                 (width == 3 ? "arrival_s,prompt,output" : "arrival_s,prompt,output,prefix_group,prefix") +
                                 "), got " + std::to_string(cells.size()));
        if (std::int64_t(out.size()) >= kMaxServingRequests)
            throw InputError(fileName, "line " + std::to_string(number),
                             "more than " + std::to_string(kMaxServingRequests) + " requests: simulate a sample of the trace");
        Request r;
        r.arrivalS = field(cells[0], fileName, number, "arrival_s", false, 0, kMaxArrivalS);
        r.prompt = static_cast<int>(field(cells[1], fileName, number, "prompt", true, 1, kMaxTokens));
        r.output = static_cast<int>(field(cells[2], fileName, number, "output", true, 1, kMaxTokens));
        if (width == 5) {
            r.prefixGroup = static_cast<int>(field(cells[3], fileName, number, "prefix_group", true, -1, kMaxPrefixGroup));
            r.prefix = static_cast<int>(field(cells[4], fileName, number, "prefix", true, 0, r.prompt));
        }
        out.push_back(r);
    }
    if (!header) throw InputError(fileName, "header", "missing: the first line must be 'arrival_s,prompt,output'");
    // A follow-up turn's parent lies in the file: none here, so sorting by arrival is safe.
    if (out.empty()) throw InputError(fileName, "", "no requests after the header");
    std::stable_sort(out.begin(), out.end(), [](const Request& a, const Request& b) { return a.arrivalS < b.arrivalS; });
    return out;
}

std::vector<Request> readTraceFile(const std::string& path)
{
    return parseTrace(readInputFile(path, kMaxTraceFileBytes).toStdString(), path);
}

} // namespace llmdse
