#pragma once
// A headless subcommand of `llmdse`. Each lives in its own file and registers
// itself; main() only dispatches. Exit codes: 0 ok, 1 bad input, 2 internal error.
#include <QStringList>

class QCoreApplication;
#include <functional>
#include <string>
#include <vector>

namespace llmdse {

struct Command {
    std::string name;
    std::string summary;
    std::function<int(const QStringList& args)> run; // args[0] = "llmdse <name>"
    bool needsWidgets = false; // renders charts: runs under a QApplication (offscreen unless a display is asked for)
};

bool registerCommand(Command c);
const std::vector<Command>& commands();
const Command* findCommand(const std::string& name);

// Runs `body`, turning exceptions into messages on stderr and exit codes.
int guarded(const std::function<int()>& body);

// The workbench (app/Workbench.cpp), or in a build without it (-DLLMDSE_GUI=OFF) a message
// and exit 1 (app/WorkbenchUnavailable.cpp). argv is main's.
int runWorkbench(int argc, char** argv);
// The application object for commands with needsWidgets (a QApplication where the build has widgets).
QCoreApplication* widgetApplication(int& argc, char** argv);
// "llmdse 0.2.0 (commit abc123)".
std::string versionText();

} // namespace llmdse
