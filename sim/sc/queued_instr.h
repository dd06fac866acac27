// SPDX-License-Identifier: MIT
#pragma once
#include <cstdint>
#include <ostream>

namespace sasim::sc {

// An entry of an instruction queue: which instruction, and the cycle dispatch put it there.
struct QueuedInstr {
    uint64_t index = 0;           // into the layer's Program::instrs
    uint64_t dispatch_cycle = 0;  // the unit may issue it from dispatch_cycle + 1
};

inline std::ostream& operator<<(std::ostream& os, const QueuedInstr& q) {
    return os << "#" << q.index << "@" << q.dispatch_cycle;
}

}  // namespace sasim::sc
