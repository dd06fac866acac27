// SPDX-License-Identifier: MIT
// A functional (untimed) execution of a compiled program: three in-order units that move only when their
// dependency tokens allow. Used by the compiler and mapping fuzz targets and the mapper's unit tests to
// check that every program computes the reference result under any token-legal interleaving.
#pragma once
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "model/datapath.h"
#include "model/load_address.h"

namespace sasim::fuzz {

// Runs the program as three in-order units that only move when their tokens allow; each step tries the
// units in `prio` order, so the first one runs as far ahead as the tokens let it. Returns "" when every
// instruction ran and every token was consumed, else what went wrong.
inline std::string run_units(const CompiledLayer& cl, const Config& cfg, const Unit (&prio)[3], std::vector<uint8_t>& img) {
    std::vector<const Instruction*> q[3];
    for (const Instruction& in : cl.program.instrs) q[static_cast<int>(unit_of(in.op))].push_back(&in);
    size_t pos[3] = {0, 0, 0};
    int64_t l2e = 0, e2l = 0, e2s = 0, s2e = 0, s2l = 0;
    model::Scratchpad spad(cfg);
    model::Accumulator acc(cfg);
    const uint32_t ob = cfg.derived.operand_bytes;
    const auto& d = cfg.derived;
    std::vector<model::RowSegment> segs;
    std::vector<uint8_t> tmp;
    for (;;) {
        bool moved = false;
        for (int p = 0; p < 3 && !moved; ++p) {
            const int u = static_cast<int>(prio[p]);
            if (pos[u] == q[u].size()) continue;
            const Instruction& in = *q[u][pos[u]];
            if (u == 0) {
                if ((in.wait_next && e2l == 0) || (in.wait_prev && s2l == 0)) continue;
                e2l -= in.wait_next;
                s2l -= in.wait_prev;
                model::LoadAddressGen gen(in, cl.program.convs, ob);
                if (in.dst == LocalMem::Accumulator) {  // a residual add's shortcut (docs/isa.md, "LOAD")
                    const uint64_t lo = cl.layout.residual_addr, hi = lo + cl.layout.residual_bytes;
                    std::vector<uint8_t> row(uint64_t{in.elems} * ob);
                    for (uint32_t i = 0; i < in.rows; ++i) {
                        const uint64_t addr = in.dram_addr + uint64_t{i} * in.dram_stride;
                        if (addr < lo || addr + row.size() > hi || load_blocks(in) != 1) {
                            return "accumulator load outside the shortcut: " + disassemble(in);
                        }
                        if (in.local_row + i >= d.acc_rows) return "load outside the accumulator: " + disassemble(in);
                        model::load_acc_row_values(acc, in.local_row + i, img.data() + addr, in.elems, in.shift,
                                                   cfg.array.operand_bits);
                    }
                    l2e += in.signal_next;
                    ++pos[u];
                    moved = true;
                    continue;
                }
                const uint64_t block_bytes = uint64_t{load_block_elems(in)} * ob;
                std::vector<uint8_t> drow(gen.row_bytes());
                for (uint32_t i = 0; i < in.rows; ++i) {
                    std::fill(drow.begin(), drow.end(), 0);
                    segs.clear();
                    gen.row_segments(i, segs);
                    for (const auto& s : segs) {
                        if (s.dram_addr + s.bytes > cl.layout.output_addr || s.row_offset + s.bytes > drow.size()) {
                            return "load reads outside the operands: " + disassemble(in);
                        }
                        std::memcpy(drow.data() + s.row_offset, img.data() + s.dram_addr, s.bytes);
                    }
                    for (uint32_t b = 0; b < load_blocks(in); ++b) {
                        const uint64_t row = in.local_row + b * in.block_stride + i;
                        if (row >= d.spad_rows) return "load writes outside the scratchpad: " + disassemble(in);
                        uint8_t* dst = spad.row(row);
                        std::memset(dst, 0, spad.row_bytes);
                        const uint64_t from = b * block_bytes;
                        std::memcpy(dst, drow.data() + from, std::min<uint64_t>(block_bytes, drow.size() - from));
                    }
                }
                l2e += in.signal_next;
            } else if (u == 1) {
                if ((in.wait_prev && l2e == 0) || (in.wait_next && s2e == 0)) continue;
                l2e -= in.wait_prev;
                s2e -= in.wait_next;
                const bool os = cfg.array.dataflow == Dataflow::OS;
                const bool win_b = window_on_b(cfg.array.dataflow);
                auto end_row = [&](uint64_t base, uint64_t count, bool windowed) {
                    return count == 0 ? base : (windowed ? window_row(in, base, count - 1) : base + count - 1) + 1;
                };
                if (end_row(in.a_row, in.m, !win_b) > d.spad_rows || end_row(in.b_row, os ? in.k : in.n, win_b && !os) > d.spad_rows ||
                    in.c_row + in.m > d.acc_rows) {
                    return "execute outside the SRAMs: " + disassemble(in);
                }
                model::execute_values(in, cfg.array.dataflow, spad, acc);
                e2l += in.signal_prev;
                e2s += in.signal_next;
            } else {
                if (in.wait_prev && e2s == 0) continue;
                e2s -= in.wait_prev;
                tmp.assign(uint64_t{in.elems} * ob, 0);
                for (uint32_t r = 0; r < in.rows; ++r) {
                    if (in.c_row + r >= d.acc_rows) return "store outside the accumulator: " + disassemble(in);
                    model::store_row_values(acc, in.c_row + r, in.elems, in.shift, in.relu, cfg.array.operand_bits,
                                            tmp.data());
                    const uint64_t addr = in.dram_addr + r * in.dram_stride;
                    if (addr < cl.layout.output_addr || addr + tmp.size() > img.size()) {
                        return "store outside the output: " + disassemble(in);
                    }
                    std::memcpy(img.data() + addr, tmp.data(), tmp.size());
                }
                s2e += in.signal_prev;
                s2l += in.signal_next;
            }
            ++pos[u];
            moved = true;
        }
        if (!moved) break;
    }
    if (pos[0] != q[0].size() || pos[1] != q[1].size() || pos[2] != q[2].size()) {
        return "deadlock after " + std::to_string(pos[0]) + " loads, " + std::to_string(pos[1]) + " executes, " +
               std::to_string(pos[2]) + " stores";
    }
    if (l2e != 0 || e2l != 0 || e2s != 0 || s2e != 0 || s2l != 0) return "tokens left over";
    return "";
}


// Loads first (each unit runs as far ahead as its tokens allow, loads before executes before stores).
// Returns false on a deadlock, leftover tokens or an access outside memory or outside the operands.
inline bool run_functional(const CompiledLayer& cl, const Config& cfg, std::vector<uint8_t>& img) {
    static const Unit kLoadsFirst[3] = {Unit::Load, Unit::Execute, Unit::Store};
    return run_units(cl, cfg, kLoadsFirst, img).empty();
}

}  // namespace sasim::fuzz
