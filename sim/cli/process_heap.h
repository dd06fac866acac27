// SPDX-License-Identifier: MIT
// Heap settings for the sasim binary (not for the Python module: a library leaves its host's heap alone).
#pragma once

namespace sasim::cli {

// Sets glibc's malloc up for sasim's allocation pattern (see process_heap.cpp); a no-op elsewhere. Call it
// first thing in main(), before any thread starts.
void tune_process_heap();

}  // namespace sasim::cli
