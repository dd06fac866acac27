// SPDX-License-Identifier: MIT
#include "cli/process_heap.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace sasim::cli {
namespace {

#if defined(__GLIBC__) && defined(__linux__) && defined(MADV_HUGEPAGE)
// The first line of a /proc or /sys file, or "" when it cannot be read.
std::string first_line(const char* path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

// Whether growing the heap ahead is both useful and harmless here: transparent huge pages not off, and no
// strict overcommit accounting (vm.overcommit_memory 2), under which the reserved address space would be
// charged as memory, again in every forked mapper worker.
bool huge_heap_wanted() {
    if (const char* env = std::getenv("SASIM_HUGE_HEAP"); env != nullptr && std::strcmp(env, "0") == 0) return false;
    if (first_line("/sys/kernel/mm/transparent_hugepage/enabled").find("[never]") != std::string::npos) return false;
    return first_line("/proc/sys/vm/overcommit_memory") != "2";
}
#endif

}  // namespace

void tune_process_heap() {
#if defined(__GLIBC__)
    // Every layer allocates its tensors, DRAM image and reference results afresh (megabytes each). Kept
    // in the heap when freed instead of being unmapped, the next layer reuses those pages rather than
    // faulting in new zeroed ones. Allocations above 32 MiB are still mapped and unmapped on their own.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // The first touch of each 4 KiB page is a page fault, and on the virtual machines we measure on a fault
    // costs microseconds (docs/performance.md, "Memory kept between layers, in huge pages"). So the heap
    // grows once by 64 MiB of address space (not memory: pages still arrive when touched), marked for
    // transparent huge pages, where one fault brings 2 MiB. Every thread allocates from that heap (one
    // arena): the reference and replay threads' buffers are as large as the main thread's.
    if (!huge_heap_wanted()) return;
    mallopt(M_ARENA_MAX, 1);
    constexpr int kHugeHeapBytes = 64 << 20;
    constexpr int kGlibcDefaultTopPad = 128 << 10;  // glibc's DEFAULT_TOP_PAD
    mallopt(M_TOP_PAD, kHugeHeapBytes);
    char* const before = static_cast<char*>(sbrk(0));
    void* volatile grow = std::malloc(std::size_t{1} << 20);  // volatile: the pair must not be optimized away
    std::free(grow);
    char* const after = static_cast<char*>(sbrk(0));
    mallopt(M_TOP_PAD, kGlibcDefaultTopPad);  // later growth (past 64 MiB) in glibc's usual steps
    if (before == reinterpret_cast<char*>(-1) || after <= before) return;  // no brk heap (a sanitizer's malloc)
    const long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) return;
    const uintptr_t mask = static_cast<uintptr_t>(page) - 1;
    const uintptr_t from = (reinterpret_cast<uintptr_t>(before) + mask) & ~mask;
    const uintptr_t to = reinterpret_cast<uintptr_t>(after) & ~mask;
    if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);  // advice: failure is harmless
#endif
#endif
}

}  // namespace sasim::cli
