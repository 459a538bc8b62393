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
    parser.setApplicationDescription("Combine shard outputs of one study (`llmdse sweep --shard K/N`) into one file.\n"
                                     "SQLite: rows are unioned and the Pareto front recomputed over all shards.\n"
                                     "Example: llmdse merge --out all.sqlite shard-*.sqlite");
    parser.addHelpOption();
    parser.addOption({"out", "Merged output (.csv, .json or .sqlite, same format as the shards).", "file"});
    parser.addOption({"overwrite", "Replace an existing output file."});
    parser.addPositionalArgument("shards", "Shard files.", "FILE...");
    parser.process(args);
    return guarded([&] {
        if (!parser.isSet("out")) throw InputError("", "--out", "missing: the merged output file");
        std::vector<std::string> inputs;
        for (const auto& p : parser.positionalArguments()) inputs.push_back(p.toStdString());
        const MergeSummary s = mergeShards(inputs, parser.value("out").toStdString(), parser.isSet("overwrite"));
        std::printf("merged %zu shards: %lld points", inputs.size(), s.rows);
        if (s.paretoPoints >= 0) std::printf(", Pareto front %lld points", s.paretoPoints);
        std::printf(" -> %s\n", parser.value("out").toUtf8().constData());
        return 0;
    });
}

const bool registered = registerCommand({"merge", "Combine shard outputs of one study.", run});

} // namespace
} // namespace llmdse
