#pragma once
// Plain-text tables (aligned columns) and CSV, for command output and exports.
#include <string>
#include <vector>

namespace llmdse {

class TextTable {
public:
    explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    std::string render() const; // right-aligns cells that look numeric
    std::string csv() const;

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

std::string csvEscape(const std::string& s);
std::string fmt(double v, int digits = 4);

} // namespace llmdse
