#include "core/FpgaParts.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"

namespace llmdse {

namespace {

const std::string kPath = ":/fpga/parts.json";

struct PartsFile {
    std::vector<FpgaPart> parts;
    std::vector<std::string> families; // parallel to parts
};

const PartsFile& partsFile()
{
    static const PartsFile file = [] {
        PartsFile f;
        try {
            JsonReader root(parseJsonObject(readBundled(kPath), kPath));
            const std::string source = root.string("source");
            const JsonReader parts = root.object("parts");
            for (auto it = parts.raw().begin(); it != parts.raw().end(); ++it) {
                const std::string id = it.key().toStdString();
                const JsonReader r = parts.object(id.c_str());
                FpgaPart p;
                p.id = id;
                p.name = r.string("name");
                p.dsp = r.positiveInt("dsp");
                p.bram36 = r.nonNegativeInt("bram36", 0);
                p.uram = r.nonNegativeInt("uram", 0);
                p.lutK = r.positive("lut_k");
                p.fmaxGhz = r.positive("fmax_ghz");
                p.source = source;
                f.parts.push_back(p);
                f.families.push_back(r.string("dsp_family"));
            }
        } catch (const InputError& e) {
            rethrowWithFile(e, kPath);
        }
        return f;
    }();
    return file;
}

} // namespace

FpgaPart resolveFpgaPart(const std::string& id, const std::string& field)
{
    for (const FpgaPart& p : partsFile().parts)
        if (p.id == id) return p;
    std::string known;
    for (const std::string& k : fpgaPartIds()) known += (known.empty() ? "" : ", ") + k;
    throw InputError("", field, "unknown FPGA part '" + id + "' (known: " + known + ")");
}

std::vector<std::string> fpgaPartIds()
{
    std::vector<std::string> ids;
    for (const FpgaPart& p : partsFile().parts) ids.push_back(p.id);
    return ids; // QJsonObject iterates keys in sorted order
}

std::string fpgaDspFamily(const FpgaPart& part)
{
    const PartsFile& f = partsFile();
    for (size_t i = 0; i < f.parts.size(); ++i)
        if (f.parts[i].id == part.id) return f.families[i];
    return "dsp48e2";
}

} // namespace llmdse
