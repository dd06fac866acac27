// SPDX-License-Identifier: MIT
#include "cli/process_heap.h"

#include <cstdint>
#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace sasim::cli {

void tune_process_heap() {
#if defined(__GLIBC__)
    // Every layer allocates its tensors, DRAM image and reference results afresh (megabytes each). Kept
    // in the heap when freed instead of being unmapped, the next layer reuses those pages rather than
    // faulting in new zeroed ones. Allocations above 32 MiB are still mapped and unmapped on their own.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    // The first touch of each 4 KiB page is a page fault, and on the virtual machines we measure on a fault
    // costs microseconds: a ResNet-50 run at 128x128 faulted in 24 MB, 6,000 faults, a fifth of its time.
    // So the heap grows once by 64 MiB of address space (not memory: pages still arrive when touched),
    // marked for transparent huge pages, where one fault brings 2 MiB. Every thread allocates from that
    // heap (one arena): the reference and replay threads' buffers are as large as the main thread's.
    // Where the kernel's THP setting is "never", madvise changes nothing and the heap works as before.
    mallopt(M_ARENA_MAX, 1);
    constexpr std::size_t kHugeHeapBytes = std::size_t{64} << 20;
    mallopt(M_TOP_PAD, static_cast<int>(kHugeHeapBytes));
    char* const before = static_cast<char*>(sbrk(0));
    void* volatile grow = std::malloc(std::size_t{1} << 20);  // volatile: the pair must not be optimized away
    std::free(grow);
    char* const after = static_cast<char*>(sbrk(0));
    mallopt(M_TOP_PAD, 0);  // later growth (past 64 MiB) in ordinary steps
    if (before == reinterpret_cast<char*>(-1) || after <= before) return;  // no brk heap (a sanitizer's malloc)
    constexpr uintptr_t kPage = 4096;
    const uintptr_t from = (reinterpret_cast<uintptr_t>(before) + kPage - 1) & ~(kPage - 1);
    const uintptr_t to = reinterpret_cast<uintptr_t>(after) & ~(kPage - 1);
    if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);  // advice: failure is harmless
#endif
}

}  // namespace sasim::cli
