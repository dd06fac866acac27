// SPDX-License-Identifier: MIT
// SystemC would turn an exception escaping a process into a generic report; instead each process catches
// it, records the first one here and stops the simulation, and run_workload rethrows it unchanged.
#pragma once
#include <exception>

#include <systemc>

namespace sasim::sc {

inline std::exception_ptr& first_process_error() {
    static std::exception_ptr e;
    return e;
}

inline void fail_simulation(std::exception_ptr e) {
    if (!first_process_error()) first_process_error() = e;
    sc_core::sc_stop();
}

// Runs a process body, routing any exception to fail_simulation().
template <typename F>
void guarded(F&& body) {
    try {
        body();
    } catch (...) {
        fail_simulation(std::current_exception());
    }
}

}  // namespace sasim::sc
