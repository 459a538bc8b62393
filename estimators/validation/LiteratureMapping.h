#pragma once
// The survey's published batch-1 decode rows (core/Literature.h) turned into designs by the written rules
// of resources/literature/mapping.json: device to preset, precision to formats, work to runtime profile,
// method to plain decoding or not, with per-row facts from the works' own papers. A row the rules cannot
// map says why.
#include "core/Literature.h"

#include <QJsonObject>
#include <string>
#include <vector>

namespace llmdse {

struct LiteratureMappingRules {
    std::string file;
    QJsonObject rules;
};

// Throws InputError naming the file and the field on malformed rules.
LiteratureMappingRules loadLiteratureMapping(const std::string& path);
// The bundled rules (resources/literature/mapping.json).
const LiteratureMappingRules& bundledLiteratureMapping();

struct MappedLiteratureRow {
    const LiteraturePoint* point = nullptr;
    std::string cls;        // cpu, gpu, fpga, asic, pim
    std::string method;     // from the row's notes
    std::string unmapped;   // non-empty: why the row has no design
    std::string notPlain;   // non-empty: why it is not plain one-device decoding
    QJsonObject design;     // flat design keys (evaluate's options); empty when unmapped
    QJsonObject reachCheck; // an unmapped row's design for the reachability test only (precision not stated)
    std::string mapping;    // how the row was read, for people: "a100-80gb, llama-2-13b, fp16, vllm; ..."
    std::string powerAssumed; // non-empty: the row's power is not a measurement, and why
};

// Every row of `points`, in order.
std::vector<MappedLiteratureRow> mapLiterature(const std::vector<LiteraturePoint>& points,
                                               const LiteratureMappingRules& rules);

// The platform column as a hardware class name ("PIM/NDP" -> "pim").
std::string literatureClass(const LiteraturePoint& p);

} // namespace llmdse
