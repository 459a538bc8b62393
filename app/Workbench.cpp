// The workbench: the window, or with --screenshot a render of one view to a PNG (offscreen).
#include "app/Command.h"
#include "core/Json.h"
#include "ui/CheckView.h"
#include "ui/MainWindow.h"
#include "ui/ServingView.h"
#include "ui/SweepView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace llmdse {

namespace {

// Headless rendering: Qt wants a private runtime directory and warns on stderr when
// XDG_RUNTIME_DIR is unset (as on servers and in CI); give it the one it would fall back to.
void ensureRuntimeDir()
{
    if (!qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) return;
    const std::string dir = "/tmp/runtime-" + std::to_string(getuid());
    if (mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) qputenv("XDG_RUNTIME_DIR", QByteArray::fromStdString(dir));
}

} // namespace

QCoreApplication* widgetApplication(int& argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    ensureRuntimeDir();
    return new QApplication(argc, argv);
}

int runWorkbench(int argc, char** argv)
{
    QElapsedTimer started;
    started.start();
    bool screenshot = false;
    for (int i = 1; i < argc; ++i) screenshot = screenshot || !std::strcmp(argv[i], "--screenshot");
    if (screenshot && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    if (screenshot) ensureRuntimeDir();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("llmdse"); // QSettings: recent projects, window layout
    QApplication::setApplicationName("llmdse");
    QApplication::setApplicationVersion(QString::fromStdString(versionText()));
    QCommandLineParser parser;
    parser.addOption({"screenshot", "Render the window offscreen to this PNG and exit.", "file"});
    parser.addOption({"view", "View to render: results, sweep, compare, literature, check or serving.", "name", "results"});
    parser.addOption({"design", "Design file to show (JSON, keys as in `llmdse evaluate --design`).", "file"});
    parser.addOption({"size", "Window size of the screenshot, WIDTHxHEIGHT (default 1440x900).", "size", "1440x900"});
    parser.addPositionalArgument("project", "A project (.llmdse) to open.", "[project]");
    parser.process(app);
    MainWindow w;
    if (!parser.positionalArguments().isEmpty()) {
        try {
            w.openProject(parser.positionalArguments().front());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "llmdse: error: %s\n", e.what());
            return 1;
        }
    }
    if (parser.isSet("design")) {
        try {
            w.loadDesign(readJsonObjectFile(parser.value("design").toStdString()));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "llmdse: error: %s\n", e.what());
            return 1;
        }
    }
    if (!screenshot) {
        w.show();
        return app.exec();
    }
    const QStringList size = parser.value("size").split('x');
    const int width = size.value(0).toInt(), height = size.size() == 2 ? size.value(1).toInt() : 0;
    if (width < 640 || height < 480 || width > 7680 || height > 4320) {
        std::fprintf(stderr, "llmdse: error: --size '%s': expected WIDTHxHEIGHT between 640x480 and 7680x4320\n",
                     qPrintable(parser.value("size")));
        return 1;
    }
    if (!w.showView(parser.value("view"))) {
        std::fprintf(stderr, "llmdse: error: --view '%s' is not available (available: results, sweep, compare, literature, check, serving)\n",
                     qPrintable(parser.value("view")));
        return 1;
    }
    w.resize(width, height);
    w.show();
    QEventLoop loop; // wait for the estimate the window started
    QObject::connect(&w, &MainWindow::resultsShown, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    const qint64 firstEstimateMs = started.elapsed();
    if (parser.value("view") == "sweep") { // run the study the view proposes and show its front
        QEventLoop sweepLoop;
        QObject::connect(w.sweep(), &SweepView::plotted, &sweepLoop, &QEventLoop::quit); // binned in the background
        w.sweep()->run();
        QTimer::singleShot(120000, &sweepLoop, &QEventLoop::quit);
        sweepLoop.exec();
    }
    if (parser.value("view") == "check") { // run the docks' model on this computer first
        w.loadDesign(QJsonObject{{"model", "smollm-135m"}});
        QEventLoop checkLoop;
        QObject::connect(w.check(), &CheckView::finished, &checkLoop, &QEventLoop::quit);
        w.check()->run();
        QTimer::singleShot(300000, &checkLoop, &QEventLoop::quit);
        checkLoop.exec();
    }
    if (parser.value("view") == "serving") { // simulate the proposed stream first
        QEventLoop servingLoop;
        QObject::connect(w.serving(), &ServingView::finished, &servingLoop, &QEventLoop::quit);
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

} // namespace llmdse
