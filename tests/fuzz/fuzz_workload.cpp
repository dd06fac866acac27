// SPDX-License-Identifier: MIT
// Fuzz targets: the JSON trace reader and the SCALE-Sim CSV reader (FUZZ_CSV selects the CSV one).
// Any input is accepted (and then every layer and graph edge validates) or refused with InputError lines naming the file.
#include <cstdlib>

#include "common/errors.h"
#include "fuzz_util.h"
#include "workload/workload.h"

#ifdef FUZZ_CSV
static const char* kExt = ".csv";
#else
static const char* kExt = ".json";
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = sasim::fuzz::write_input(data, size, kExt);
    try {
        const sasim::Workload wl = sasim::load_workload(path);
        if (wl.layers.empty()) std::abort();
        for (const auto& l : wl.layers) {
            if (!sasim::validate_layer(l).empty()) std::abort();  // loaded layers are valid
            if (l.kind != sasim::LayerKind::Other) (void)l.gemm_view().macs();
        }
        if (!sasim::validate_inputs(wl).empty()) std::abort();  // and so are their graph edges
        for (size_t i = 0; i < wl.layers.size(); ++i) {
            for (const uint32_t p : sasim::layer_inputs(wl, i)) {
                if (p != sasim::kNetworkInput && p >= i) std::abort();
            }
        }
    } catch (const sasim::InputError& e) {
        for (const auto& line : e.lines()) {
            if (line.rfind(path, 0) != 0 && line.rfind("... and", 0) != 0) std::abort();
        }
    }
    return 0;
}
