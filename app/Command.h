#pragma once
// A headless subcommand of `llmdse`. Each lives in its own file and registers
// itself; main() only dispatches. Exit codes: 0 ok, 1 bad input, 2 internal error.
#include <QStringList>
#include <functional>
#include <string>
#include <vector>

namespace llmdse {

struct Command {
    std::string name;
    std::string summary;
    std::function<int(const QStringList& args)> run; // args[0] = "llmdse <name>"
};

bool registerCommand(Command c);
const std::vector<Command>& commands();
const Command* findCommand(const std::string& name);

// Runs `body`, turning exceptions into messages on stderr and exit codes.
int guarded(const std::function<int()>& body);

} // namespace llmdse
