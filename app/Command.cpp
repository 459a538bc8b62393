#include "app/Command.h"
#include "core/Errors.h"

#include <cstdio>
#include <exception>

namespace llmdse {

static std::vector<Command>& registry()
{
    static std::vector<Command> r;
    return r;
}

bool registerCommand(Command c)
{
    registry().push_back(std::move(c));
    return true;
}

const std::vector<Command>& commands() { return registry(); }

const Command* findCommand(const std::string& name)
{
    for (const auto& c : registry())
        if (c.name == name) return &c;
    return nullptr;
}

std::string versionText() { return std::string("llmdse ") + LLMDSE_VERSION + " (commit " + LLMDSE_COMMIT + ")"; }

int guarded(const std::function<int()>& body)
{
    try {
        return body();
    } catch (const InputError& e) {
        std::fprintf(stderr, "llmdse: error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "llmdse: internal error: %s\n", e.what());
        return 2;
    }
}

} // namespace llmdse
