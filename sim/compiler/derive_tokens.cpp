// SPDX-License-Identifier: MIT
// Token derivation from buffer use (docs/mapper.md, "Tokens").
//
// Each of the four token channels is a FIFO: the k-th instruction that waits consumes the k-th token
// pushed. For every instruction we find the one earlier instruction of the neighbouring unit it depends on
// (the last writer of what it reads, or the last reader of what it overwrites). Along a channel those
// producers must be waited for in increasing order. An instruction whose producer is not later than the
// last producer already waited for on that channel needs no token: its unit is in order, the earlier wait
// already covers it (loads and stores retire, executes finish reading and retire, in program order).
#include <map>
#include <stdexcept>

#include "compiler/mapping.h"

namespace sasim {
namespace {

struct BufState {
    int64_t last_writer = -1;          // instruction index
    int64_t last_exec_reader = -1;     // scratchpad buffers: the last EXECUTE that read the current content
    int64_t last_store_reader = -1;    // accumulator slots: the last STORE that read the current content
};

// One channel: producers waited for in increasing order.
struct Channel {
    int64_t waited = -1;
    // Returns true when the consumer must wait on `producer` (which then signals).
    bool need(int64_t producer) {
        if (producer <= waited) return false;
        waited = producer;
        return true;
    }
};

}  // namespace

void derive_tokens(Program& prog, const std::vector<BufferUse>& uses) {
    if (uses.size() != prog.instrs.size()) throw std::logic_error("derive_tokens: one BufferUse per instruction");
    std::map<int64_t, BufState> bufs;
    Channel l2e, e2l, e2s, s2e;
    for (Instruction& in : prog.instrs) in.wait_prev = in.wait_next = in.signal_prev = in.signal_next = false;
    auto check_backwards = [](int64_t producer, size_t i) {
        if (producer >= static_cast<int64_t>(i)) throw std::logic_error("derive_tokens: dependency points forwards");
    };
    for (size_t i = 0; i < prog.instrs.size(); ++i) {
        Instruction& in = prog.instrs[i];
        const BufferUse& u = uses[i];
        const int64_t self = static_cast<int64_t>(i);
        switch (unit_of(in.op)) {
            case Unit::Load: {
                BufState& b = bufs[u.writes];
                if (b.last_exec_reader >= 0 && e2l.need(b.last_exec_reader)) {  // WAR on the scratchpad
                    check_backwards(b.last_exec_reader, i);
                    in.wait_next = true;
                    prog.instrs[b.last_exec_reader].signal_prev = true;
                }
                b.last_writer = self;
                b.last_exec_reader = -1;
                break;
            }
            case Unit::Execute: {
                int64_t producer = -1;
                for (int64_t r : u.reads) {
                    if (r >= 0) producer = std::max(producer, bufs[r].last_writer);
                }
                if (producer >= 0 && l2e.need(producer)) {  // RAW on the scratchpad
                    in.wait_prev = true;
                    prog.instrs[producer].signal_next = true;
                }
                for (int64_t r : u.reads) {
                    if (r >= 0) bufs[r].last_exec_reader = self;
                }
                BufState& acc = bufs[u.writes];
                if (acc.last_store_reader >= 0 && s2e.need(acc.last_store_reader)) {  // WAR on the accumulator
                    in.wait_next = true;
                    prog.instrs[acc.last_store_reader].signal_prev = true;
                }
                acc.last_writer = self;
                acc.last_store_reader = -1;
                break;
            }
            case Unit::Store: {
                BufState& acc = bufs[u.reads[0]];
                if (acc.last_writer >= 0 && e2s.need(acc.last_writer)) {  // RAW on the accumulator
                    in.wait_prev = true;
                    prog.instrs[acc.last_writer].signal_next = true;
                }
                acc.last_store_reader = self;
                break;
            }
        }
    }
}

}  // namespace sasim
