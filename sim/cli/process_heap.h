// SPDX-License-Identifier: MIT
// Heap settings for a process that runs sasim's command line: the binary, and the child process the
// Python module forks for each call (the Python process's own heap is left alone).
#pragma once

namespace sasim::cli {

// Sets glibc's malloc up for sasim's allocation pattern (see process_heap.cpp); a no-op elsewhere. Call it
// first thing, before any thread starts. SASIM_HUGE_HEAP=0 in the environment turns the huge-page part off.
void tune_process_heap();

}  // namespace sasim::cli
