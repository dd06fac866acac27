// SPDX-License-Identifier: MIT
// Programs produced as they run: the token deriver releases an instruction only when no later one can
// change it, the heuristic source gives compile_layer's program piece by piece, and the program window
// holds only what the machine can still touch, handing instructions to the retire log in program order.
#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>
#include <vector>

#include "common/errors.h"
#include "compiler/compiler.h"
#include "compiler/mapping.h"
#include "config/config.h"
#include "model/program_window.h"
#include "workload/workload.h"

using namespace sasim;

namespace {

Instruction op(Opcode o, uint64_t tag) {
    Instruction in;
    in.op = o;
    in.dram_addr = tag;  // tells instructions apart
    return in;
}

// A random but well-formed use of buffers: loads write one of `spad` scratchpad buffers, executes read one
// or two of them and write one of `acc` accumulator slots, stores read an accumulator slot.
struct RandomUses {
    std::vector<Instruction> instrs;
    std::vector<BufferUse> uses;
};
RandomUses random_uses(std::mt19937& rng, size_t n, int spad, int acc) {
    RandomUses r;
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (size_t i = 0; i < n; ++i) {
        BufferUse u;
        const int kind = pick(0, 2);
        if (kind == 0) {
            r.instrs.push_back(op(Opcode::Load2d, i));
            u.writes = pick(0, spad - 1);
        } else if (kind == 1) {
            r.instrs.push_back(op(Opcode::Execute, i));
            u.reads[0] = pick(0, spad - 1);
            if (pick(0, 1) == 1) u.reads[1] = pick(0, spad - 1);
            u.writes = 1000 + pick(0, acc - 1);
        } else {
            r.instrs.push_back(op(Opcode::Store, i));
            u.reads[0] = 1000 + pick(0, acc - 1);
        }
        r.uses.push_back(u);
    }
    return r;
}

bool same_tokens(const Instruction& a, const Instruction& b) {
    return a.dram_addr == b.dram_addr && a.wait_prev == b.wait_prev && a.wait_next == b.wait_next &&
           a.signal_prev == b.signal_prev && a.signal_next == b.signal_next;
}

Config tiny(const std::string& name) { return load_config(std::string(SASIM_SOURCE_DIR) + "/configs/" + name + ".json"); }

Layer gemm(uint32_t m, uint32_t n, uint32_t k) {
    Layer l;
    l.name = "g";
    l.kind = LayerKind::Gemm;
    l.gemm.m = m;
    l.gemm.n = n;
    l.gemm.k = k;
    return l;
}

}  // namespace

TEST_CASE("token deriver: releasing after every instruction gives the flags of the whole program", "[unit][mapper]") {
    std::mt19937 rng(20261205);
    size_t released_early = 0;
    for (int trial = 0; trial < 300; ++trial) {
        const RandomUses r = random_uses(rng, 1 + rng() % 200, 1 + static_cast<int>(rng() % 6), 1 + static_cast<int>(rng() % 3));
        TokenDeriver whole(1u << 30);  // never looks before the end
        TokenDeriver eager(1);         // looks after every instruction
        std::vector<Instruction> a, b;
        for (size_t i = 0; i < r.instrs.size(); ++i) {
            whole.add(r.instrs[i], r.uses[i]);
            eager.add(r.instrs[i], r.uses[i]);  // throws if an earlier release was too early
            eager.take_final(b);
            whole.take_final(a);
        }
        CHECK(a.empty());
        released_early += b.size();
        whole.take_all(a);
        eager.take_all(b);
        REQUIRE(a.size() == r.instrs.size());
        REQUIRE(b.size() == a.size());
        for (size_t i = 0; i < a.size(); ++i) {
            INFO("trial " << trial << ", instruction " << i);
            CHECK(same_tokens(a[i], b[i]));
        }
    }
    CHECK(released_early > 0);  // the eager deriver did release before the end
}

TEST_CASE("token deriver: a producer that is still open is not released", "[unit][mapper]") {
    // Load 0 writes buffer 7 and load 1 buffer 8; nothing reads them yet, so either may still be waited
    // for. Execute 2 reads buffer 8: it waits for load 1, and so (its unit being in order) covers load 0.
    TokenDeriver d(1);
    std::vector<Instruction> out;
    BufferUse w7, w8, x8;
    w7.writes = 7;
    w8.writes = 8;
    x8.reads[0] = 8;
    x8.writes = 100;
    d.add(op(Opcode::Load2d, 0), w7);
    d.take_final(out);
    CHECK(out.empty());
    d.add(op(Opcode::Load2d, 1), w8);
    d.take_final(out);
    CHECK(out.empty());
    d.add(op(Opcode::Execute, 2), x8);
    d.take_final(out);
    REQUIRE(out.size() == 2);  // execute 2 stays: it is the open reader of buffer 8 and writer of slot 100
    CHECK(out[0].dram_addr == 0);
    CHECK_FALSE(out[0].signal_next);
    CHECK(out[1].dram_addr == 1);
    CHECK(out[1].signal_next);  // set by execute 2 while load 1 was held
    CHECK(d.held_count() == 1);
}

TEST_CASE("heuristic source: pieces in order make compile_layer's program, of the counted size", "[unit]") {
    const Config cfg = tiny("tiny_4x4_ws");
    const Layer l = gemm(37, 11, 29);
    const CompiledLayer whole = compile_layer(l, cfg);
    const std::unique_ptr<InstructionSource> src = stream_layer(l, cfg);
    CHECK(src->instruction_count() == whole.program.instrs.size());
    std::vector<Instruction> got;
    size_t pieces = 0;
    while (src->next(got)) ++pieces;
    CHECK(pieces > 1);
    CHECK_FALSE(src->next(got));  // stays ended
    REQUIRE(got.size() == whole.program.instrs.size());
    for (size_t i = 0; i < got.size(); ++i) CHECK(disassemble(got[i]) == disassemble(whole.program.instrs[i]));
}

TEST_CASE("program window: holds what is unretired, releases in program order, keeps references", "[unit]") {
    Program p;
    for (uint64_t i = 0; i < 10; ++i) p.instrs.push_back(op(i % 3 == 0 ? Opcode::Load2d : Opcode::Execute, i));
    ProgramSource src(p, 3);
    std::vector<uint64_t> released;
    model::ProgramWindow w;
    w.reset(&src, [&](uint64_t i, const Instruction& in, uint64_t issue, uint64_t retire) {
        CHECK(in.dram_addr == i);
        CHECK(issue == 100 + i);
        CHECK(retire == 200 + i);
        released.push_back(i);
    });
    REQUIRE(w.fetch(0));
    CHECK(w.fetched() == 3);  // one piece
    const Instruction& first = w.at(0);
    REQUIRE(w.fetch(5));      // pulls two more pieces; `first` stays valid
    CHECK(first.dram_addr == 0);
    CHECK(w.per_unit()[static_cast<int>(Unit::Load)] == 2);  // 0 and 3 of the six pulled
    for (uint64_t i = 0; i < 6; ++i) w.set_issue(i, 100 + i);
    // Retire out of order: nothing leaves before instruction 0 has retired.
    w.retire(2, 202);
    w.retire(1, 201);
    CHECK_THROWS_AS(w.retire(1, 201), SimulationError);
    CHECK(w.holds(0));
    w.retire(0, 200);
    CHECK(w.at(0).dram_addr == 0);  // the one just retired is still readable by its unit
    w.retire(3, 203);               // releases 0, 1, 2
    CHECK(released == std::vector<uint64_t>{0, 1, 2});
    CHECK_FALSE(w.holds(2));
    CHECK(w.holds(3));
    CHECK_THROWS_AS(w.at(1), SimulationError);
    CHECK_FALSE(w.all_retired());
    for (uint64_t i = 6; w.fetch(i); ++i) w.set_issue(i, 100 + i);
    CHECK(w.ended());
    CHECK(w.fetched() == 10);
    for (uint64_t i = 4; i < 10; ++i) {
        CHECK_FALSE(w.all_retired());
        w.retire(i, 200 + i);
    }
    CHECK(w.all_retired());
    w.finish();
    CHECK(released.size() == 10);
    for (uint64_t i = 0; i < 10; ++i) CHECK(released[i] == i);
    CHECK(w.peak_held() <= 10);
}

TEST_CASE("program window: keep_all keeps the whole program and its cycles", "[unit]") {
    Program p;
    for (uint64_t i = 0; i < 5; ++i) p.instrs.push_back(op(Opcode::Store, i));
    ProgramSource src(p, 2);
    model::ProgramWindow w;
    w.reset(&src, {}, true);
    for (uint64_t i = 0; w.fetch(i); ++i) {
        w.set_issue(i, i);
        w.retire(i, 10 + i);
    }
    CHECK(w.all_retired());
    const Program kept = w.kept_program();
    REQUIRE(kept.instrs.size() == 5);
    CHECK(kept.instrs[4].dram_addr == 4);
    CHECK(w.kept_retire() == std::vector<uint64_t>{10, 11, 12, 13, 14});
    CHECK(w.kept_issue() == std::vector<uint64_t>{0, 1, 2, 3, 4});
}

TEST_CASE("program window: a program of no instructions has all retired once its end is seen", "[unit]") {
    ProgramSource src(Program{});
    model::ProgramWindow w;
    w.reset(&src);
    CHECK_FALSE(w.all_retired());
    CHECK_FALSE(w.fetch(0));
    CHECK(w.all_retired());
}
