#include "estimators/sweep/SqliteSink.h"
#include "core/Errors.h"
#include "estimators/sweep/OutputFile.h"

#include <cmath>

namespace llmdse {

static std::string prepared(const std::string& path, SinkMode mode)
{
    if (mode == SinkMode::Overwrite) removeOutput(path, "--overwrite");
    return path;
}

// meta.intervals: the level of the lo/hi columns ("0.9"); empty without them.
static std::string intervalMeta(const SweepSchema& s) { return s.intervalLevel > 0 ? csvNumber(s.intervalLevel) : ""; }

std::string shardName(int index, int count) { return std::to_string(index + 1) + "/" + std::to_string(count); }

// One write transaction. A full disk leaves every earlier transaction intact, so say how to go on.
void SqliteSink::transaction(const std::function<void()>& body)
{
    db_.exec("BEGIN IMMEDIATE");
    try {
        body();
        db_.exec("COMMIT");
    } catch (const DiskFullError& e) {
        db_.rollback();
        throw DiskFullError(e.file(), e.field(),
                            e.reason() + "; the points stored so far are kept: free space and run again with --resume");
    } catch (...) {
        db_.rollback();
        throw;
    }
}

SqliteSink::SqliteSink(const std::string& path, SinkMode mode) : mode_(mode), db_(prepared(path, mode)) {}

std::string SqliteSink::meta(const std::string& key)
{
    if (!db_.tableExists("meta")) return "";
    SqliteStatement s(db_, "SELECT value FROM meta WHERE key=?");
    s.bind(1, key);
    return s.step() ? s.columnText(0) : "";
}

void SqliteSink::begin(const SweepSchema& schema)
{
    schema_ = schema;
    if (mode_ == SinkMode::Resume && db_.tableExists("points")) {
        const std::string fp = meta("fingerprint");
        if (fp != schema.fingerprint)
            throw InputError(db_.path(), "meta.fingerprint",
                             "was written by a different study (" + fp + " vs " + schema.fingerprint +
                                 "); use a new --out, or --overwrite to replace it");
        const std::string range = std::to_string(schema.shardBegin) + ":" + std::to_string(schema.shardEnd);
        const std::string storedOf = meta("shard_of"), storedRange = meta("shard");
        if ((!storedOf.empty() && storedOf != shardName(schema.shardIndex, schema.shardCount)) || storedRange != range)
            throw InputError(db_.path(), "meta.shard",
                             "was written for shard " + (storedOf.empty() ? std::string("?") : storedOf) + " (points " +
                                 storedRange + "), this run is shard " + shardName(schema.shardIndex, schema.shardCount) +
                                 " (points " + range + ") of a different split; use a new --out, or --overwrite "
                                 "to replace it");
        if (meta("intervals") != intervalMeta(schema))
            throw InputError(db_.path(), "meta.intervals",
                             std::string("was written ") + (meta("intervals").empty() ? "without" : "with") +
                                 " interval columns (--uncertainty), this run " +
                                 (schema.intervalLevel > 0 ? "has" : "has not") +
                                 "; resume with the same options, use a new --out, or --overwrite to replace it");
    } else {
        std::string cols = "idx INTEGER PRIMARY KEY";
        for (size_t a = 0; a < schema.paramNames.size(); ++a)
            cols += ", " + sqlIdentifier(schema.paramNames[a]) + (schema.paramText[a].empty() ? " REAL" : " TEXT");
        for (int m = 0; m < kMetricCount; ++m) cols += ", " + sqlIdentifier(metricName(static_cast<MetricId>(m))) + " REAL";
        if (schema.intervalLevel > 0)
            for (int m = 0; m < kIntervalCount; ++m)
                for (const bool high : {false, true})
                    cols += ", " + sqlIdentifier(intervalColumn(static_cast<MetricId>(m), high)) + " REAL";
        cols += ", error TEXT";
        transaction([&] {
            db_.exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)");
            db_.exec("CREATE TABLE points(" + cols + ")");
            db_.exec("CREATE TABLE pareto(idx INTEGER PRIMARY KEY)");
            SqliteStatement m(db_, "INSERT INTO meta(key, value) VALUES(?, ?)");
            auto put = [&](const std::string& k, const std::string& v) {
                m.bind(1, k);
                m.bind(2, v);
                m.step();
                m.reset();
            };
            put("study", schema.studyJson);
            put("fingerprint", schema.fingerprint);
            put("estimator", schema.estimatorVersion);
            put("total_points", std::to_string(schema.totalPoints));
            put("shard", std::to_string(schema.shardBegin) + ":" + std::to_string(schema.shardEnd));
            put("shard_of", shardName(schema.shardIndex, schema.shardCount));
            if (schema.intervalLevel > 0) put("intervals", intervalMeta(schema));
        });
    }
    std::string sql = "INSERT OR REPLACE INTO points VALUES(?";
    const size_t intervals = schema.intervalLevel > 0 ? 2 * kIntervalCount : 0;
    for (size_t i = 0; i < schema.paramNames.size() + kMetricCount + intervals + 1; ++i) sql += ",?";
    insert_ = std::make_unique<SqliteStatement>(db_, sql + ")");
}

void SqliteSink::write(const std::vector<SweepRow>& rows)
{
    transaction([&] {
        for (const auto& r : rows) {
            int c = 1;
            insert_->bind(c++, static_cast<std::int64_t>(r.index));
            for (size_t a = 0; a < schema_.paramNames.size(); ++a) {
                if (schema_.paramText[a].empty()) insert_->bind(c++, r.params[a]);
                else insert_->bind(c++, schema_.paramText[a][static_cast<size_t>(r.params[a])]);
            }
            for (int m = 0; m < kMetricCount; ++m) {
                if (r.error.empty() && std::isfinite(r.metrics[m])) insert_->bind(c++, r.metrics[m]);
                else insert_->bindNull(c++);
            }
            if (schema_.intervalLevel > 0)
                for (int m = 0; m < kIntervalCount; ++m)
                    for (const double v : {r.lo[m], r.hi[m]}) {
                        if (r.error.empty() && std::isfinite(v)) insert_->bind(c++, v);
                        else insert_->bindNull(c++);
                    }
            if (r.error.empty()) insert_->bindNull(c++);
            else insert_->bind(c++, r.error);
            insert_->step();
            insert_->reset();
        }
    });
}

std::vector<bool> SqliteSink::finished(std::int64_t begin, std::int64_t end)
{
    std::vector<bool> done(static_cast<size_t>(end - begin), false);
    if (!db_.tableExists("points")) return done;
    SqliteStatement s(db_, "SELECT idx FROM points WHERE idx >= ? AND idx < ?");
    s.bind(1, static_cast<std::int64_t>(begin));
    s.bind(2, static_cast<std::int64_t>(end));
    while (s.step()) done[static_cast<size_t>(s.columnInt(0) - begin)] = true;
    return done;
}

void SqliteSink::writePareto(const std::vector<std::int64_t>& indices)
{
    transaction([&] {
        db_.exec("DELETE FROM pareto");
        SqliteStatement s(db_, "INSERT INTO pareto(idx) VALUES(?)");
        for (auto i : indices) {
            s.bind(1, static_cast<std::int64_t>(i));
            s.step();
            s.reset();
        }
    });
}

void SqliteSink::finish()
{
    insert_.reset();
    try {
        db_.exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const DiskFullError&) {
        // Every row is committed in the write-ahead log, where readers find them; the
        // checkpoint runs again when a later connection closes with room to spare.
    }
}

} // namespace llmdse

namespace llmdse {

void SqliteSink::scanStored(const std::function<void(std::int64_t, const MetricRow&)>& visit)
{
    std::string sql = "SELECT idx";
    for (int m = 0; m < kMetricCount; ++m) sql += ", " + sqlIdentifier(metricName(static_cast<MetricId>(m)));
    SqliteStatement s(db_, sql + " FROM points WHERE error IS NULL");
    MetricRow row;
    while (s.step()) {
        for (int m = 0; m < kMetricCount; ++m)
            row[m] = s.isNull(m + 1) ? std::nan("") : s.columnDouble(m + 1);
        visit(s.columnInt(0), row);
    }
}

} // namespace llmdse
