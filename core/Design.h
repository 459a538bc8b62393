#pragma once
// One point of the design space: everything an estimator needs.
#include "core/HardwareSpec.h"
#include "core/ModelSpec.h"
#include "core/Optimizations.h"
#include "core/Parallelism.h"
#include "core/RuntimeProfile.h"
#include "core/Workload.h"

namespace llmdse {

struct Design {
    ModelSpec model;
    HardwareSpec hardware;
    RuntimeProfile runtime;
    Workload workload;
    Optimizations opts;
    Parallelism parallel;

    // Throws InputError naming the field when the combination is impossible.
    void validate() const;
};

} // namespace llmdse
