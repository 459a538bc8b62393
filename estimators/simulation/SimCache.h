#pragma once
// Memo of simulated ops: an in-memory concurrent map in front of an SQLite
// table (WAL). Opening loads the table; new results are written in batched
// transactions (INSERT OR IGNORE), so several processes can share one file and
// a killed process loses at most its last unflushed batch, never the file. A file
// that can only be read is loaded and then left alone. SQLite over NFS or Lustre
// is unsafe (locking, shared memory): keep the file on a local disk.
#include "estimators/simulation/OpSim.h"
#include "estimators/simulation/SimKey.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace llmdse {

class SqliteDatabase;

class SimCache {
public:
    // path "" keeps the cache in memory only.
    explicit SimCache(const std::string& path, std::size_t flushEvery = 1024);
    ~SimCache(); // flushes
    SimCache(const SimCache&) = delete;
    SimCache& operator=(const SimCache&) = delete;

    std::optional<OpSim> find(const SimKey& k);
    void insert(const SimKey& k, const OpSim& v);
    void flush();

    struct Stats {
        std::size_t entries = 0, hits = 0, misses = 0, loaded = 0;
    };
    Stats stats() const;
    const std::string& path() const { return path_; }
    // The file could only be read (read-only media, no write permission): new results stay in memory.
    bool readOnly() const { return readOnly_; }

private:
    void load();
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string path_;
    std::size_t flushEvery_;
    std::atomic<std::size_t> hits_{0}, misses_{0};
    bool readOnly_ = false;
};

// The process-wide cache the simulation estimator uses: $LLMDSE_SIM_CACHE, else
// $XDG_CACHE_HOME/llmdse/simcache.sqlite (~/.cache); "none" keeps it in memory.
std::shared_ptr<SimCache> defaultSimCache();
void setDefaultSimCachePath(const std::string& path);
std::string defaultSimCachePath();

} // namespace llmdse
