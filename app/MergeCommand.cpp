// llmdse merge: combine the shard outputs of one study.
#include "app/Command.h"
#include "core/Errors.h"
#include "estimators/sweep/Merge.h"

#include <QCommandLineParser>
#include <cstdio>

namespace llmdse {

namespace {

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Combine shard outputs of one study (`llmdse sweep --shard K/N`) into one file.\n"
        "The shards must cover the study exactly: missing, duplicated or partly evaluated shards are named\n"
        "and refused (exit 1) unless --allow-partial. SQLite shards record their study and split: files\n"
        "from another split of the same study (an earlier run with another N) are left out, with a note.\n"
        "SQLite: rows are unioned and the Pareto front recomputed over all shards. The output is never\n"
        "one of the inputs.\n"
        "Example: llmdse merge --out all.sqlite shard-*.sqlite");
    parser.addHelpOption();
    parser.addOption({"out", "Merged output (.csv, .json or .sqlite, same format as the shards).", "file"});
    parser.addOption({"overwrite", "Replace an existing output file (never one of the inputs)."});
    parser.addOption({"allow-partial", "Merge even when shards are missing, duplicated or partial; the result is "
                                       "marked partial (meta key 'partial' in SQLite) and the gaps are listed."});
    parser.addOption({"shard-count", "Merge the files of this N-way split and leave out the others "
                                     "(default: the split of the most recently written file).", "N"});
    parser.addOption({"study", "The study the shards come from: CSV/JSON shards do not record it, so without it "
                               "their last points cannot be checked.", "file"});
    parser.addPositionalArgument("shards", "Shard files.", "FILE...");
    parser.process(args);
    return guarded([&] {
        if (!parser.isSet("out")) throw InputError("", "--out", "missing: the merged output file");
        MergeOptions opts;
        opts.overwrite = parser.isSet("overwrite");
        opts.allowPartial = parser.isSet("allow-partial");
        opts.studyFile = parser.value("study").toStdString();
        if (parser.isSet("shard-count")) {
            bool ok = false;
            opts.shardCount = parser.value("shard-count").toInt(&ok);
            if (!ok || opts.shardCount < 1) throw InputError("", "--shard-count", "must be a whole number >= 1");
        }
        std::vector<std::string> inputs;
        for (const auto& p : parser.positionalArguments()) inputs.push_back(p.toStdString());
        const std::string out = parser.value("out").toStdString();
        const MergeSummary s = mergeShards(inputs, out, opts);
        for (const auto& f : s.ignored) std::fprintf(stderr, "llmdse: note: left out %s\n", f.c_str());
        if (!s.endChecked)
            std::fprintf(stderr, "llmdse: note: text shards do not record their study; pass --study to check that "
                                 "the last points are there\n");
        if (!s.problems.empty()) {
            std::fprintf(stderr, "llmdse: warning: the result is partial:\n");
            for (const auto& p : s.problems) std::fprintf(stderr, "  %s\n", p.c_str());
        }
        std::printf("merged %zu shard files%s: %lld points", s.shards,
                    s.shardCount > 0 ? (" (" + std::to_string(s.shardCount) + "-shard split)").c_str() : "", s.rows);
        if (s.paretoPoints >= 0) std::printf(", Pareto front %lld points", s.paretoPoints);
        std::printf("%s -> %s\n", s.problems.empty() ? "" : " (partial)", out.c_str());
        return 0;
    });
}

const bool registered = registerCommand({"merge", "Combine shard outputs of one study.", run});

} // namespace
} // namespace llmdse
