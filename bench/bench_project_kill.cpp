// Crash safety of projects: saves a project with 2 pinned designs and a 105-point sweep, then (child mode) re-saves it in a loop
// until killed; the parent kills it mid-save with SIGKILL and checks the file opens whole. Exit 1 unless all 10 kills do.
#include "bench/BenchMain.h"
#include "ui/MainWindow.h"
#include "ui/CompareModel.h"
#include "ui/SweepView.h"
#include "ui/SweepResults.h"
#include "ui/Project.h"
#include <QApplication>
#include <QDir>
#include <QSignalSpy>
#include <QProcess>
#include <cstdio>
#include <csignal>
#include <unistd.h>
using namespace llmdse;
static int runBench(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("llmdse-killtest");
    const QString file = QDir::temp().filePath("llmdse-kill-check.llmdse");
    MainWindow w; w.show();
    QSignalSpy shown(&w, &MainWindow::resultsShown); shown.wait(10000);
    w.pinCurrent(); w.loadDesign({{"batch", 8}}); shown.wait(10000); w.pinCurrent();
    w.showView("sweep"); QSignalSpy fin(w.sweep(), &SweepView::finished); w.sweep()->run(); fin.wait(30000);
    if (argc > 1 && QString(argv[1]) == "child") {
        for (long i = 0;; ++i) { w.loadDesign({{"batch", int(1 + i % 64)}}); w.saveProjectAs(file); }
    }
    w.saveProjectAs(file);
    int ok = 0;
    for (int trial = 0; trial < 10; ++trial) {
        QProcess child; child.start(QCoreApplication::applicationFilePath(), {"child"});
        child.waitForStarted(); usleep(1500000 + 137000 * trial); ::kill(pid_t(child.processId()), SIGKILL); child.waitForFinished();
        try { const Project p = loadProject(file); if (p.pinned.size() == 2 && p.sweep && p.sweep->size() == 105) ++ok;
              std::printf("trial %d: opened, batch %d, %zu pins, %zu sweep rows\n", trial, p.design["batch"].toInt(), p.pinned.size(), p.sweep ? p.sweep->size() : 0); }
        catch (const std::exception& e) { std::printf("trial %d: %s\n", trial, e.what()); }
    }
    std::printf("%d of 10 kills left a whole project\n", ok);
    return ok == 10 ? 0 : 1;
}

int main(int argc, char** argv)
{
    return bench::benchMain(argc, argv, "Usage: bench_project_kill (kills a re-saving child 10 times, checks the project opens whole)",
                            [&] { return runBench(argc, argv); });
}
