#include "estimators/simulation/SimCache.h"
#include "estimators/storage/SqliteDatabase.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <oneapi/tbb/concurrent_hash_map.h>
#include <cstdio>
#include <cstdlib>

namespace llmdse {

namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS sim_cache (k1 INTEGER NOT NULL, k2 INTEGER NOT NULL, seconds REAL, cycles REAL, "
    "compute_cycles REAL, utilisation REAL, dram REAL, global REAL, local REAL, pim REAL, vector_ops REAL, "
    "macs TEXT, bound INTEGER, mapping TEXT, PRIMARY KEY (k1, k2)) WITHOUT ROWID";

std::string packMacs(const OpSim& o)
{
    std::string s;
    for (double m : o.macs) s += std::to_string(m) + ",";
    return s;
}

void unpackMacs(const std::string& s, OpSim& o)
{
    size_t pos = 0;
    for (double& m : o.macs) {
        const size_t next = s.find(',', pos);
        if (next == std::string::npos) break;
        m = std::strtod(s.c_str() + pos, nullptr);
        pos = next + 1;
    }
}

} // namespace

struct SimCache::Impl {
    oneapi::tbb::concurrent_hash_map<SimKey, OpSim, SimKeyHash> map;
    std::unique_ptr<SqliteDatabase> db;
    std::mutex pendingMutex;
    std::vector<std::pair<SimKey, OpSim>> pending;
    std::size_t loaded = 0;
};

SimCache::SimCache(const std::string& path, std::size_t flushEvery)
    : impl_(std::make_unique<Impl>()), path_(path), flushEvery_(flushEvery)
{
    if (path.empty()) return;
    QDir().mkpath(QFileInfo(QString::fromStdString(path)).absolutePath());
    try {
        impl_->db = std::make_unique<SqliteDatabase>(path);
        impl_->db->exec(kSchema);
    } catch (const InputError& e) {
        // A cache this process may read but not write (read-only media, another user's file):
        // use what it holds and keep new results in memory. Anything else is the first error.
        if (!QFileInfo::exists(QString::fromStdString(path))) throw;
        try {
            impl_->db = std::make_unique<SqliteDatabase>(path, SqliteDatabase::Access::ReadOnly);
        } catch (const InputError&) {
            throw e;
        }
        readOnly_ = true;
        std::fprintf(stderr, "llmdse: note: %s; reading the simulation cache, new results are kept in memory\n", e.what());
        if (!impl_->db->tableExists("sim_cache")) {
            impl_->db.reset();
            return;
        }
    }
    load();
    if (readOnly_) impl_->db.reset(); // inserts and flushes then stay in memory
}

void SimCache::load()
{
    SqliteStatement q(*impl_->db, "SELECT k1, k2, seconds, cycles, compute_cycles, utilisation, dram, global, local, pim, "
                                  "vector_ops, macs, bound, mapping FROM sim_cache");
    while (q.step()) {
        SimKey k{std::uint64_t(q.columnInt(0)), std::uint64_t(q.columnInt(1))};
        OpSim o;
        o.seconds = q.columnDouble(2);
        o.cycles = q.columnDouble(3);
        o.computeCycles = q.columnDouble(4);
        o.utilisation = q.columnDouble(5);
        o.dramBytes = q.columnDouble(6);
        o.globalBytes = q.columnDouble(7);
        o.localBytes = q.columnDouble(8);
        o.pimBytes = q.columnDouble(9);
        o.vectorOps = q.columnDouble(10);
        unpackMacs(q.columnText(11), o);
        o.bound = static_cast<Bound>(std::clamp<std::int64_t>(q.columnInt(12), 0, 3));
        o.mapping = q.columnText(13);
        impl_->map.insert({k, std::move(o)});
        ++impl_->loaded;
    }
}

SimCache::~SimCache()
{
    try {
        flush();
    } catch (...) {
        // A destructor must not throw; unflushed rows are recomputed next time.
    }
}

std::optional<OpSim> SimCache::find(const SimKey& k)
{
    decltype(impl_->map)::const_accessor acc;
    if (impl_->map.find(acc, k)) {
        ++hits_;
        return acc->second;
    }
    ++misses_;
    return std::nullopt;
}

void SimCache::insert(const SimKey& k, const OpSim& v)
{
    if (!impl_->map.insert({k, v}) || !impl_->db) return;
    bool full = false;
    {
        std::lock_guard<std::mutex> lock(impl_->pendingMutex);
        impl_->pending.emplace_back(k, v);
        full = impl_->pending.size() >= flushEvery_;
    }
    if (full) flush();
}

void SimCache::flush()
{
    if (!impl_->db) return;
    std::vector<std::pair<SimKey, OpSim>> batch;
    std::lock_guard<std::mutex> lock(impl_->pendingMutex); // also serialises use of the connection
    batch.swap(impl_->pending);
    if (batch.empty()) return;
    SqliteDatabase& db = *impl_->db;
    db.exec("BEGIN IMMEDIATE");
    try {
        SqliteStatement ins(db, "INSERT OR IGNORE INTO sim_cache VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& [k, o] : batch) {
            ins.bind(1, std::int64_t(k.a));
            ins.bind(2, std::int64_t(k.b));
            ins.bind(3, o.seconds);
            ins.bind(4, o.cycles);
            ins.bind(5, o.computeCycles);
            ins.bind(6, o.utilisation);
            ins.bind(7, o.dramBytes);
            ins.bind(8, o.globalBytes);
            ins.bind(9, o.localBytes);
            ins.bind(10, o.pimBytes);
            ins.bind(11, o.vectorOps);
            ins.bind(12, packMacs(o));
            ins.bind(13, std::int64_t(o.bound));
            ins.bind(14, o.mapping);
            ins.step();
            ins.reset();
        }
        db.exec("COMMIT");
    } catch (...) {
        db.rollback();
        throw;
    }
}

SimCache::Stats SimCache::stats() const
{
    Stats s;
    s.entries = impl_->map.size();
    s.hits = hits_;
    s.misses = misses_;
    s.loaded = impl_->loaded;
    return s;
}

namespace {
std::mutex gCacheMutex;
std::shared_ptr<SimCache> gCache;
std::string gPath;
bool gPathSet = false;
} // namespace

// Before this release the cache lived with user data (~/.local/share/llmdse): move it once
// to the cache folder, with its WAL files; if it cannot be moved (another file system that
// refuses, a read-only home), keep using it where it is rather than lose it.
QString migratedCachePath(const QString& path)
{
    QString data = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (data.isEmpty()) data = QDir::homePath() + "/.local/share";
    const QString legacy = data + "/llmdse/simcache.sqlite";
    if (!QFileInfo::exists(legacy) || QFileInfo::exists(path)) return path;
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!QFile::rename(legacy, path)) {
        if (!QFile::copy(legacy, path)) return legacy;
        QFile::remove(legacy);
    }
    for (const char* side : {"-wal", "-shm"})
        if (QFileInfo::exists(legacy + side) && !QFile::rename(legacy + side, path + side)) QFile::remove(legacy + side);
    return path;
}

std::string defaultSimCachePath()
{
    std::lock_guard<std::mutex> lock(gCacheMutex);
    if (gPathSet) return gPath;
    if (const char* env = std::getenv("LLMDSE_SIM_CACHE")) return std::string(env) == "none" ? "" : env;
    // Derived data, rebuilt on demand: it belongs in $XDG_CACHE_HOME (default ~/.cache), not with user data.
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    if (dir.isEmpty()) dir = QDir::homePath() + "/.cache";
    return migratedCachePath(dir + "/llmdse/simcache.sqlite").toStdString();
}

void setDefaultSimCachePath(const std::string& path)
{
    std::lock_guard<std::mutex> lock(gCacheMutex);
    gPath = path == "none" ? "" : path;
    gPathSet = true;
    gCache.reset();
}

std::shared_ptr<SimCache> defaultSimCache()
{
    const std::string path = defaultSimCachePath();
    std::lock_guard<std::mutex> lock(gCacheMutex);
    if (!gCache) gCache = std::make_shared<SimCache>(path);
    return gCache;
}

} // namespace llmdse
