// SPDX-License-Identifier: MIT
// Fuzz target: the ONNX importer (protobuf parsing, shape arithmetic folded at import, If inlining, Loop and
// Scan unrolling, the mapping of every op). Any input is imported (every layer valid) or refused with
// InputError lines naming the file; nothing else may escape, crash or hang.
#include <cstdlib>

#include "common/errors.h"
#include "fuzz_util.h"
#include "onnx/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = sasim::fuzz::write_input(data, size, ".onnx");
    for (const bool partial : {false, true}) {
        sasim::onnx_import::ImportOptions options;
        options.allow_partial = partial;
        try {
            const auto im = sasim::onnx_import::import_model(path, options);
            if (im.workload.layers.empty() || im.info.size() != im.workload.layers.size()) std::abort();
            for (const auto& l : im.workload.layers) {
                if (!sasim::validate_layer(l).empty()) std::abort();
            }
            (void)sasim::onnx_import::summary(im);
            (void)sasim::onnx_import::to_json_trace(im);
        } catch (const sasim::InputError& e) {
            for (const auto& line : e.lines()) {
                if (line.rfind(path, 0) != 0) std::abort();
            }
        }
    }
    return 0;
}

// sasim_onnx links libsystemc, whose main() refers to sc_main; the fuzzer never starts the kernel.
extern "C" int sc_main(int, char*[]) { return 1; }
