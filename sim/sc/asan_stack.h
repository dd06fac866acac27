// SPDX-License-Identifier: MIT
// Keeps AddressSanitizer's record of the calling thread's stack right across sc_start(). A no-op without ASan.
//
// Why: SystemC runs SC_THREADs on coroutine stacks it mmaps. Debian's SystemC 2.3.4 tells ASan about its
// stack switches (__sanitizer_start/finish_switch_fiber in sc_cor_pkg_qt::yield), but not the switch made
// when a thread process ends (sc_cor_pkg_qt::abort), and it gives the main coroutine no bounds. So when the
// last switch of a run is an SC_THREAD returning (our control and watchdog threads do), ASan keeps that
// coroutine's stack as this thread's stack after sc_start() returns, although SystemC unmaps it when it
// deletes the process. LeakSanitizer, at exit, then scans that stale range as the main thread's stack (the
// SP is outside it, so it skips the unmapped pages at its start and scans the rest): it reads whatever is
// mapped there by then, including buffers LeakSanitizer maps and unmaps itself while scanning, and can hit
// an unmapped page ("Tracer caught signal 11" in ScanRangeForPointers, "LeakSanitizer has encountered a
// fatal error"). With LSAN_OPTIONS=log_threads=1 the bad range shows as "Stack at <256 KiB coroutine
// range> (SP = <main stack>)". ASan's stack bounds also decide what __asan_handle_no_return unpoisons when
// an exception is thrown, so they should be right whenever code runs on this thread's own stack.
//
// ScopedAsanThreadStack reads the bounds ASan has before the simulation and announces a switch back to them
// when it is destroyed: put it around sc_start() (and any later sc_start() of the same run).
#pragma once
#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define SASIM_ASAN_STACK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SASIM_ASAN_STACK 1
#endif
#endif

#ifdef SASIM_ASAN_STACK
#include <sanitizer/common_interface_defs.h>
#endif

namespace sasim::sc {

class ScopedAsanThreadStack {
public:
    ScopedAsanThreadStack() {
#ifdef SASIM_ASAN_STACK
        // A switch to "no stack" returns the current bounds; switch straight back to them.
        void* fake_stack = nullptr;
        __sanitizer_start_switch_fiber(&fake_stack, nullptr, 0);
        __sanitizer_finish_switch_fiber(fake_stack, &m_bottom, &m_size);
        restore();
#endif
    }
    ~ScopedAsanThreadStack() { restore(); }
    ScopedAsanThreadStack(const ScopedAsanThreadStack&) = delete;
    ScopedAsanThreadStack& operator=(const ScopedAsanThreadStack&) = delete;

    // Tells ASan that this thread runs on the stack it had at construction (again).
    void restore() {
#ifdef SASIM_ASAN_STACK
        void* fake_stack = nullptr;
        __sanitizer_start_switch_fiber(&fake_stack, m_bottom, m_size);
        __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
    }

private:
    const void* m_bottom = nullptr;
    size_t m_size = 0;
};

}  // namespace sasim::sc
