#include "core/Literature.h"
#include "core/Errors.h"
#include "core/ResourceFiles.h"

#include <cstdlib>
#include <sstream>

namespace llmdse {

std::vector<std::string> splitCsvRecord(const std::string& line, const std::string& where)
{
    std::vector<std::string> out(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
            else if (c == '"') quoted = false;
            else out.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.emplace_back();
        } else if (c != '\r') {
            out.back() += c;
        }
    }
    if (quoted) throw InputError("", where, "unterminated quoted field");
    return out;
}

namespace {

std::vector<LiteraturePoint> load()
{
    const std::string path = ":/literature/survey-decode-batch1.csv";
    std::istringstream in(readBundled(path).toStdString());
    std::string line;
    std::getline(in, line); // header
    std::vector<LiteraturePoint> v;
    for (int row = 2; std::getline(in, line); ++row) {
        if (line.empty()) continue;
        const auto f = splitCsvRecord(line, "row " + std::to_string(row));
        if (f.size() < 11) throw InputError(path, "row " + std::to_string(row), "expected 11 fields");
        LiteraturePoint p{f[0], f[1], f[2], f[3], f[8], f[9], f[10]};
        p.batch = std::atof(f[4].c_str());
        p.powerW = std::atof(f[5].c_str());
        p.tokensPerS = std::atof(f[6].c_str());
        p.tokensPerJ = std::atof(f[7].c_str());
        p.row = row - 1;
        if (p.powerW > 0 && p.tokensPerS > 0) v.push_back(std::move(p));
    }
    return v;
}

} // namespace

const std::vector<LiteraturePoint>& literaturePoints()
{
    static const std::vector<LiteraturePoint> points = load();
    return points;
}

} // namespace llmdse
