// llmdse: the GUI by default; headless subcommands for batch work.
#include "app/Command.h"
#include "estimators/measured/HostBenchmarks.h"
#include "ui/MainWindow.h"
#include "ui/CheckView.h"
#include "ui/ServingView.h"
#include "ui/SweepView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QString>
#include <QTimer>
#include <cerrno>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>
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

// Headless rendering: Qt wants a private runtime directory and warns on stderr when
// XDG_RUNTIME_DIR is unset (as on servers and in CI); give it the one it would fall back to.
void ensureRuntimeDir()
{
    if (!qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) return;
    const std::string dir = "/tmp/runtime-" + std::to_string(getuid());
    if (mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) qputenv("XDG_RUNTIME_DIR", QByteArray::fromStdString(dir));
}

} // namespace

int main(int argc, char** argv)
{
    QElapsedTimer started;
    started.start();
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
        // `report` renders charts: it needs widgets, offscreen unless a display is asked for.
        const bool widgets = cmd->name == "report";
        if (widgets && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
        if (widgets) ensureRuntimeDir();
        std::unique_ptr<QCoreApplication> app(widgets ? new QApplication(count, args.data())
                                                      : new QCoreApplication(count, args.data()));
        QCoreApplication::setApplicationName("llmdse");
        QCoreApplication::setApplicationVersion(LLMDSE_VERSION);
        return cmd->run(app->arguments());
    }
    if (argc >= 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
        printUsage();
        return 0;
    }
    if (argc >= 2 && !std::strcmp(argv[1], "--version")) {
        std::printf("llmdse %s\n", LLMDSE_VERSION);
        return 0;
    }
    bool screenshot = false;
    for (int i = 1; i < argc; ++i) screenshot = screenshot || !std::strcmp(argv[i], "--screenshot");
    if (screenshot && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    if (screenshot) ensureRuntimeDir();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("llmdse"); // QSettings: recent projects, window layout
    QApplication::setApplicationName("llmdse");
    QApplication::setApplicationVersion(LLMDSE_VERSION);
    QCommandLineParser parser;
    parser.addOption({"screenshot", "Render the window offscreen to this PNG and exit.", "file"});
    parser.addOption({"view", "View to render: results, sweep, compare, literature, check or serving.", "name", "results"});
    parser.addOption({"design", "Design file to show (JSON, keys as in `llmdse evaluate --design`).", "file"});
    parser.addPositionalArgument("project", "A project (.llmdse) to open.", "[project]");
    parser.process(app);
    llmdse::MainWindow w;
    if (!parser.positionalArguments().isEmpty()) {
        try {
            w.openProject(parser.positionalArguments().front());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "llmdse: error: %s\n", e.what());
            return 1;
        }
    }
    if (parser.isSet("design")) {
        QFile f(parser.value("design"));
        QJsonParseError err{};
        const QJsonDocument doc = f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll(), &err) : QJsonDocument();
        if (!doc.isObject()) {
            std::fprintf(stderr, "llmdse: error: %s: %s\n", qPrintable(parser.value("design")),
                         f.isOpen() ? qPrintable("invalid JSON: " + err.errorString()) : "cannot read");
            return 1;
        }
        w.loadDesign(doc.object());
    }
    if (!screenshot) {
        w.show();
        return app.exec();
    }
    if (!w.showView(parser.value("view"))) {
        std::fprintf(stderr, "llmdse: error: --view '%s' is not available (available: results, sweep, compare, literature, check, serving)\n",
                     qPrintable(parser.value("view")));
        return 1;
    }
    w.resize(1440, 900);
    w.show();
    QEventLoop loop; // wait for the estimate the window started
    QObject::connect(&w, &llmdse::MainWindow::resultsShown, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    const qint64 firstEstimateMs = started.elapsed();
    if (parser.value("view") == "sweep") { // run the study the view proposes and show its front
        QEventLoop sweepLoop;
        QObject::connect(w.sweep(), &llmdse::SweepView::plotted, &sweepLoop, &QEventLoop::quit); // binned in the background
        w.sweep()->run();
        QTimer::singleShot(120000, &sweepLoop, &QEventLoop::quit);
        sweepLoop.exec();
    }
    if (parser.value("view") == "check") { // run the docks' model on this computer first
        w.loadDesign(QJsonObject{{"model", "smollm-135m"}});
        QEventLoop checkLoop;
        QObject::connect(w.check(), &llmdse::CheckView::finished, &checkLoop, &QEventLoop::quit);
        w.check()->run();
        QTimer::singleShot(300000, &checkLoop, &QEventLoop::quit);
        checkLoop.exec();
    }
    if (parser.value("view") == "serving") { // simulate the proposed stream first
        QEventLoop servingLoop;
        QObject::connect(w.serving(), &llmdse::ServingView::finished, &servingLoop, &QEventLoop::quit);
        w.serving()->run();
        QTimer::singleShot(120000, &servingLoop, &QEventLoop::quit);
        servingLoop.exec();
    }
    if (parser.value("view") == "compare") {
        // Something to compare: the design as loaded, then with 8- and 4-bit weights.
        w.pinCurrent();
        for (const char* weights : {"int8:g128", "int4:g128"}) {
            w.loadDesign(QJsonObject{{"weights", weights}});
            QTimer::singleShot(30000, &loop, &QEventLoop::quit);
            loop.exec();
            w.pinCurrent();
        }
    }
    app.processEvents();
    const QString out = parser.value("screenshot");
    if (!w.grab().save(out, "PNG")) {
        std::fprintf(stderr, "llmdse: error: %s: cannot write the screenshot\n", qPrintable(out));
        return 1;
    }
    std::printf("wrote %s (%dx%d); first estimate shown %lld ms after start\n", qPrintable(out), w.width(), w.height(),
                static_cast<long long>(firstEstimateMs));
    return 0;
}
