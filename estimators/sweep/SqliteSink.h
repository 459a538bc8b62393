#pragma once
#include "estimators/storage/SqliteDatabase.h"
#include "estimators/sweep/ResultSink.h"

#include <memory>

namespace llmdse {

// Tables: meta(key, value), points(idx PRIMARY KEY, params..., metrics..., [metric_lo, metric_hi]..., error),
// pareto(idx). meta.intervals holds the level of the lo/hi columns when there are any.
// Each batch is one transaction, so a killed run keeps every finished batch.
class SqliteSink : public ResultSink {
public:
    SqliteSink(const std::string& path, SinkMode mode);
    void begin(const SweepSchema& schema) override;
    void write(const std::vector<SweepRow>& rows) override;
    void finish() override;
    std::vector<bool> finished(std::int64_t begin, std::int64_t end) override;
    void writePareto(const std::vector<std::int64_t>& indices) override;
    void scanStored(const std::function<void(std::int64_t, const MetricRow&)>& visit) override;

private:
    std::string meta(const std::string& key);
    void transaction(const std::function<void()>& body);
    SinkMode mode_;
    SqliteDatabase db_;
    SweepSchema schema_;
    std::unique_ptr<SqliteStatement> insert_;
};

// "3/8" for slice index 2 of 8: how shards are named on the command line and in meta.shard_of.
std::string shardName(int index, int count);

} // namespace llmdse
