#pragma once
#include "estimators/sweep/ResultSink.h"
#include <cstdio>

namespace llmdse {

class CsvSink : public ResultSink {
public:
    explicit CsvSink(const std::string& path);
    ~CsvSink() override;
    void begin(const SweepSchema& schema) override;
    void write(const std::vector<SweepRow>& rows) override;
    void finish() override;

private:
    std::string path_;
    std::FILE* f_ = nullptr;
    SweepSchema schema_;
    std::string buf_;
};

} // namespace llmdse
