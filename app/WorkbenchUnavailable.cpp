// A build without the workbench (-DLLMDSE_GUI=OFF, for compute nodes): every headless
// command works; the window, screenshots and report rendering say how to get them.
#include "app/Command.h"

#include <QCoreApplication>
#include <cstdio>

namespace llmdse {

QCoreApplication* widgetApplication(int& argc, char** argv) { return new QCoreApplication(argc, argv); }

int runWorkbench(int, char**)
{
    std::fprintf(stderr, "llmdse: error: this llmdse was built without the workbench (-DLLMDSE_GUI=OFF): the window and "
                         "--screenshot need a build with -DLLMDSE_GUI=ON; `llmdse --help` lists the headless commands\n");
    return 1;
}

namespace {

int reportUnavailable(const QStringList&)
{
    std::fprintf(stderr, "llmdse report: error: rendering reports needs the workbench's chart stack, and this llmdse was "
                         "built without it (-DLLMDSE_GUI=OFF); `llmdse evaluate --format json` gives the same figures\n");
    return 1;
}

const bool registered = registerCommand({"report", "Write a report of one design (needs a build with the workbench).",
                                         reportUnavailable});

} // namespace
} // namespace llmdse
