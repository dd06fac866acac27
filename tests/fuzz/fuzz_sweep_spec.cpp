// SPDX-License-Identifier: MIT
// Fuzz target: the sweep spec reader and point expansion. Any input is accepted (and expands to points)
// or refused with InputError lines; nothing else may escape and nothing may crash. Nothing is run.
#include <cstdlib>

#include "common/errors.h"
#include "fuzz_util.h"
#include "sweep/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = sasim::fuzz::write_input(data, size, ".json");
    try {
        (void)sasim::sweep::load_sweep(path);
    } catch (const sasim::InputError& e) {
        if (e.lines().empty()) std::abort();
    }
    return 0;
}

// sasim_sweep links libsystemc, whose main() refers to sc_main; the fuzzer never starts the kernel.
extern "C" int sc_main(int, char*[]) { return 1; }
