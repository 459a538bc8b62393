#pragma once
// The published batch-1 decode measurements collected by the survey of Li et al.
// (arXiv 2410.04466; rows from its data release Kimho666/LLM_Hardware_Survey
// data/data202505.xlsx, shipped as resources/literature/survey-decode-batch1.csv), for putting a
// user's designs beside what has been built.
#include <string>
#include <vector>

namespace llmdse {

struct LiteraturePoint {
    std::string work, platform, device, model, precision, notes, source;
    double batch = 1, powerW = 0, tokensPerS = 0, tokensPerJ = 0;
    int row = 0; // 1-based data row of the CSV (its line number less the header)
};

const std::vector<LiteraturePoint>& literaturePoints();
// One CSV record split into fields (RFC 4180 quoting); InputError(where) on an unterminated quote.
std::vector<std::string> splitCsvRecord(const std::string& line, const std::string& where);

} // namespace llmdse
