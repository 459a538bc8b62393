// Workbench project files (.llmdse, SQLite): a damaged or foreign file must be refused.
#include "fuzz/FuzzSupport.h"
#include "ui/Project.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = llmdse::fuzz::asFile(data, size, ".llmdse");
    llmdse::fuzz::expectInputErrorsOnly([&] { (void)llmdse::loadProject(QString::fromStdString(path)); });
    return 0;
}
