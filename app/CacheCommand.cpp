// llmdse cache stats|clear|vacuum: the simulation estimator's memo database.
#include "app/Command.h"
#include "app/OutputFormat.h"
#include "core/Errors.h"
#include "core/Units.h"
#include "estimators/simulation/SimCache.h"
#include "estimators/storage/SqliteDatabase.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <cstdio>

namespace llmdse {

namespace {

double fileBytes(const std::string& path)
{
    double total = 0;
    for (const char* suffix : {"", "-wal", "-shm"}) total += QFileInfo(QString::fromStdString(path + suffix)).size();
    return total;
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Inspect or maintain the simulation estimator's cache of simulated operators.\n"
        "  stats   entries, file size, integrity\n"
        "  clear   delete every entry (in one transaction)\n"
        "  vacuum  checkpoint the write-ahead log and compact the file\n"
        "Example: llmdse cache stats --file /tmp/sim.sqlite");
    parser.addHelpOption();
    parser.addPositionalArgument("action", "stats, clear or vacuum");
    parser.addOption({"file", "Cache file (default $LLMDSE_SIM_CACHE or $XDG_CACHE_HOME/llmdse/simcache.sqlite (~/.cache)).", "file"});
    parser.process(args);
    return guarded([&] {
        const QStringList pos = parser.positionalArguments();
        if (pos.size() != 1) throw InputError("", "action", "give exactly one of stats, clear, vacuum");
        const std::string action = pos.front().toStdString();
        const std::string path = parser.isSet("file") ? parser.value("file").toStdString() : defaultSimCachePath();
        if (path.empty()) throw InputError("", "--file", "the cache is in memory only (LLMDSE_SIM_CACHE=none)");
        if (action != "stats" && action != "clear" && action != "vacuum")
            throw InputError("", "action", "unknown action '" + action + "' (expected stats, clear or vacuum)");
        if (!QFileInfo::exists(QString::fromStdString(path))) {
            std::printf("cache %s: no file yet (0 entries)\n", path.c_str());
            return 0;
        }
        SimCache open(path); // creates the table if needed, validates the file
        // stats only reads: it works on a cache on read-only media or in another user's folder too.
        SqliteDatabase db(path, action == "stats" ? SqliteDatabase::Access::ReadOnly : SqliteDatabase::Access::ReadWrite);
        if (action == "clear") {
            db.exec("BEGIN IMMEDIATE");
            db.exec("DELETE FROM sim_cache");
            db.exec("COMMIT");
            std::printf("cache %s: cleared\n", path.c_str());
        } else if (action == "vacuum") {
            const double before = fileBytes(path);
            db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
            db.exec("VACUUM");
            std::printf("cache %s: %s -> %s\n", path.c_str(), formatBytes(before).c_str(), formatBytes(fileBytes(path)).c_str());
        } else {
            SqliteStatement count(db, "SELECT COUNT(*) FROM sim_cache");
            count.step();
            SqliteStatement check(db, "PRAGMA integrity_check");
            check.step();
            std::printf("cache %s\n  entries:   %lld simulated operators\n  size:      %s (with write-ahead log)\n"
                        "  integrity: %s\n",
                        path.c_str(), static_cast<long long>(count.columnInt(0)), formatBytes(fileBytes(path)).c_str(),
                        check.columnText(0).c_str());
        }
        return 0;
    });
}

const bool registered = registerCommand({"cache", "Simulation cache: stats, clear or vacuum.", run});

} // namespace
} // namespace llmdse
