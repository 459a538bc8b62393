// llmdse: the GUI by default; headless subcommands for batch work.
#include "app/Command.h"
#include "estimators/measured/HostBenchmarks.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

void printUsage()
{
    std::printf("llmdse - design-space exploration for LLM inference hardware\n\n"
                "Usage: llmdse                      start the workbench (GUI)\n"
                "       llmdse <command> [options]  run headless\n\nCommands:\n");
    for (const auto& c : llmdse::commands()) std::printf("  %-10s %s\n", c.name.c_str(), c.summary.c_str());
    std::printf("\n`llmdse <command> --help` describes each command's options.\n"
                "Exit codes: 0 ok, 1 bad input, 2 internal error.\n");
}

} // namespace

int main(int argc, char** argv)
{
    llmdse::registerHostPresets();
    if (argc >= 2 && argv[1][0] != '-') {
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
        QCoreApplication app(count, args.data());
        QCoreApplication::setApplicationName("llmdse");
        QCoreApplication::setApplicationVersion(LLMDSE_VERSION);
        return cmd->run(app.arguments());
    }
    if (argc >= 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
        printUsage();
        return 0;
    }
    if (argc >= 2 && !std::strcmp(argv[1], "--version")) {
        std::printf("llmdse %s\n", LLMDSE_VERSION);
        return 0;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName("llmdse");
    llmdse::MainWindow w;
    w.show();
    return app.exec();
}
