#pragma once
#include "estimators/sweep/ResultSink.h"
#include <cstdio>

namespace llmdse {

// A JSON array with one point object per line (streamable, and readable line by line).
class JsonSink : public ResultSink {
public:
    explicit JsonSink(const std::string& path);
    ~JsonSink() override;
    void begin(const SweepSchema& schema) override;
    void write(const std::vector<SweepRow>& rows) override;
    void finish() override;

private:
    std::string path_;
    std::FILE* f_ = nullptr;
    SweepSchema schema_;
    bool first_ = true;
    std::vector<std::string> keys_;                // ",\"name\":" per axis, escaped once
    std::vector<std::vector<std::string>> texts_;  // quoted text values per axis
    std::string buf_;
};

} // namespace llmdse
