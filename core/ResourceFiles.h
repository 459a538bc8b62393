#pragma once
// Access to the data compiled into the binary (resources/), so the tool works
// from any folder with no installation step.
#include <QByteArray>
#include <string>
#include <vector>

namespace llmdse {

// Paths (":/hardware/h100-sxm.json", ...) of the bundled files in `folder`, sorted.
std::vector<std::string> bundledFiles(const std::string& folder);
QByteArray readBundled(const std::string& path);
bool fileExists(const std::string& path);
// Anything at `path` (file, folder, device): an id that names one is meant as a path.
bool pathExists(const std::string& path);

} // namespace llmdse
