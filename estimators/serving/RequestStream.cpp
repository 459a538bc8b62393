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
    if (count < 1) throw InputError("", "--requests", "must be >= 1");
    requireServingCapacity(count, "--requests");
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> gap(ratePerS);
    std::vector<Request> r(static_cast<size_t>(count));
    double t = 0;
    for (auto& q : r) {
        t += gap(rng);
        q.arrivalS = t;
        q.prompt = prompt.sample(rng);
        q.output = output.sample(rng);
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
            if (cells != std::vector<std::string>{"arrival_s", "prompt", "output"})
                throw InputError(fileName, "line " + std::to_string(number) + ": header",
                                 "expected 'arrival_s,prompt,output', got '" + line + "'");
            header = true;
            continue;
        }
        if (cells.size() != 3)
            throw InputError(fileName, "line " + std::to_string(number),
                             "expected 3 comma-separated fields (arrival_s,prompt,output), got " +
                                 std::to_string(cells.size()));
        if (std::int64_t(out.size()) >= kMaxServingRequests)
            throw InputError(fileName, "line " + std::to_string(number),
                             "more than " + std::to_string(kMaxServingRequests) + " requests: simulate a sample of the trace");
        Request r;
        r.arrivalS = field(cells[0], fileName, number, "arrival_s", false, 0, kMaxArrivalS);
        r.prompt = static_cast<int>(field(cells[1], fileName, number, "prompt", true, 1, kMaxTokens));
        r.output = static_cast<int>(field(cells[2], fileName, number, "output", true, 1, kMaxTokens));
        out.push_back(r);
    }
    if (!header) throw InputError(fileName, "header", "missing: the first line must be 'arrival_s,prompt,output'");
    if (out.empty()) throw InputError(fileName, "", "no requests after the header");
    std::stable_sort(out.begin(), out.end(), [](const Request& a, const Request& b) { return a.arrivalS < b.arrivalS; });
    return out;
}

std::vector<Request> readTraceFile(const std::string& path)
{
    return parseTrace(readInputFile(path, kMaxTraceFileBytes).toStdString(), path);
}

} // namespace llmdse
