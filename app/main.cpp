// llmdse: the GUI by default; headless subcommands for batch work.
#include "app/Command.h"
#include "estimators/measured/HostBenchmarks.h"

#include <QCoreApplication>
#include <QString>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

void printUsage()
{
    std::printf("llmdse - design-space exploration for LLM inference hardware\n\n"
                "Usage: llmdse                      start the workbench (GUI)\n"
                "       llmdse <command> [options]  run headless\n"
                "       llmdse PROJECT.llmdse          open a saved project in the workbench\n"
                "       llmdse --screenshot out.png [--view results] [--design FILE.json]\n"
                "                                   render the workbench offscreen to a PNG\n\nCommands:\n");
    for (const auto& c : llmdse::commands()) std::printf("  %-10s %s\n", c.name.c_str(), c.summary.c_str());
    std::printf("\n`llmdse <command> --help` describes each command's options.\n"
                "Exit codes: 0 ok, 1 bad input, 2 internal error.\n");
}

} // namespace

int main(int argc, char** argv)
{
    llmdse::registerHostPresets();
    // A first argument that names a project file opens it in the workbench; any other word is a command.
    const bool project = argc >= 2 && QString::fromLocal8Bit(argv[1]).endsWith(".llmdse", Qt::CaseInsensitive);
    if (argc >= 2 && argv[1][0] != '-' && !project) {
        const auto* cmd = llmdse::findCommand(argv[1]);
        if (!cmd) {
            std::fprintf(stderr, "llmdse: error: unknown command '%s'\n\n", argv[1]);
            printUsage();
            return 1;
        }
        // Qt's help text takes the program name from argv[0]: make it "llmdse <command>".
        std::string program = std::string("llmdse ") + argv[1];
        std::vector<char*> args{program.data()};
        for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
        int count = static_cast<int>(args.size());
        args.push_back(nullptr);
        std::unique_ptr<QCoreApplication> app(cmd->needsWidgets ? llmdse::widgetApplication(count, args.data())
                                                                 : new QCoreApplication(count, args.data()));
        QCoreApplication::setApplicationName("llmdse");
        QCoreApplication::setApplicationVersion(QString::fromStdString(llmdse::versionText()));
        return cmd->run(app->arguments());
    }
    if (argc >= 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
        printUsage();
        return 0;
    }
    if (argc >= 2 && (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "-v"))) {
        std::printf("%s\n", llmdse::versionText().c_str());
        return 0;
    }
    return llmdse::runWorkbench(argc, argv);
}
