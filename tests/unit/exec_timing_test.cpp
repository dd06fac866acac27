// SPDX-License-Identifier: MIT
// Unit tests of model::ExecTiming: the execute unit's schedule in stationary mode (WS/IS) and OS.
// Every expected cycle below is derived by hand from the rules in sim/model/exec_timing.cpp; the comment
// next to each constant shows the arithmetic.
#include <catch2/catch.hpp>

#include <cstdint>

#include "common/errors.h"
#include "compiler/isa.h"
#include "config/config.h"
#include "model/bank_calendar.h"
#include "model/exec_timing.h"

using sasim::Dataflow;
using sasim::Instruction;
using sasim::Opcode;
using sasim::model::BankCalendar;
using sasim::model::ExecSchedule;
using sasim::model::ExecTiming;

namespace {

// Scratchpad: 2 banks of 64 rows (bank 0 = rows 0..63, bank 1 = rows 64..127). Accumulator: 1 bank.
struct Rig {
    Rig(Dataflow df, uint32_t rows, uint32_t cols) : array(make(df, rows, cols)), t(array, spad, acc) {}
    static sasim::ArrayConfig make(Dataflow df, uint32_t rows, uint32_t cols) {
        sasim::ArrayConfig a;
        a.dataflow = df;
        a.rows = rows;
        a.cols = cols;
        return a;
    }
    sasim::ArrayConfig array;
    BankCalendar spad{2, 64};
    BankCalendar acc{1, 256};
    ExecTiming t;
};

Instruction ex(uint64_t a_row, uint64_t b_row, uint64_t c_row, uint32_t m, uint32_t n, uint32_t k, bool preload) {
    Instruction in;
    in.op = Opcode::Execute;
    in.a_row = a_row;
    in.b_row = b_row;
    in.c_row = c_row;
    in.m = m;
    in.n = n;
    in.k = k;
    in.preload = preload;
    return in;
}

void check(const ExecSchedule& s, uint64_t first_read, uint64_t load_end, uint64_t stream_start, uint64_t stream_end,
           uint64_t acc_first_write, uint64_t retire) {
    CHECK(s.first_read == first_read);
    CHECK(s.load_end == load_end);
    CHECK(s.stream_start == stream_start);
    CHECK(s.stream_end == stream_end);
    CHECK(s.acc_first_write == acc_first_write);
    CHECK(s.retire == retire);
}

}  // namespace

// ---- Stationary mode (WS). Array 3 rows x 5 cols: mesh latency 3 + 5 = 8, preload takes 5 shifts.

TEST_CASE("exec: WS single instruction schedule", "[exec]") {
    for (uint32_t n : {3u, 5u}) {
        INFO("n = " << n);
        Rig r(Dataflow::WS, 3, 5);
        CHECK(r.t.mesh_latency() == 8);
        // Issue 10. Preload reads rows 0..n-1 (bank 0) at 11.., then zero shifts up to `cols` shifts:
        // load_end = 10 + 1 + 5 = 16. Stream rows 64..68 (bank 1) at 16..20, stream_end = 21.
        // acc writes from 16 + 3 + 5 = 24; retire = 24 + 5 = 29.
        const ExecSchedule s = r.t.issue(ex(64, 0, 0, 5, n, 3, true), 10);
        CHECK(s.issue == 10);
        check(s, 11, 16, 16, 21, 24, 29);
        for (uint64_t c = 0; c < 40; ++c) {
            INFO("cycle " << c);
            CHECK(r.spad.busy(0, c) == (c >= 11 && c < 11 + n));  // preload reads
            CHECK(r.spad.busy(1, c) == (c >= 16 && c < 21));      // streamed rows
            CHECK(r.acc.busy(0, c) == (c >= 24 && c < 29));       // accumulator writes
        }
    }
}

TEST_CASE("exec: IS uses the stationary-mode rules", "[exec]") {
    Rig r(Dataflow::IS, 3, 5);
    // Same numbers as the WS single instruction: load_end 10 + 1 + 5 = 16, stream 16..20, acc 24..28.
    check(r.t.issue(ex(64, 0, 0, 5, 2, 3, true), 10), 11, 16, 16, 21, 24, 29);
    // Reuse without preload: stream_start = max(16 + 1, 21) = 21, acc from 29, retire 29 + 2 = 31.
    check(r.t.issue(ex(69, 0, 5, 2, 2, 3, false), 16), 21, 17, 21, 23, 29, 31);  // first read = stream
}

TEST_CASE("exec: WS back-to-back preload overlaps the previous stream", "[exec]") {
    Rig r(Dataflow::WS, 3, 5);
    // I1 at 10: preload rows 64..66 (bank 1) at 11..13, load_end 16; stream rows 0..7 (bank 0) at 16..23,
    // stream_end 24; acc 24..31 (16 + 8), retire 32.
    const ExecSchedule s1 = r.t.issue(ex(0, 64, 0, 8, 3, 3, true), 10);
    check(s1, 11, 16, 16, 24, 24, 32);
    // I2 may issue once I1 streams: earliest = max(ready, 10 + 1, 16) = 16.
    CHECK(r.t.earliest_issue(0) == 16);
    CHECK(r.t.earliest_issue(20) == 20);
    // I2 at 16: preload rows 67..69 (bank 1, free) at 17..19 -> load_end = 20 + (5 - 3) = 22, hidden under
    // I1's stream; stream_start = max(17, I1 stream_end 24, 22) = 24 (serialized would be 24 + 6 = 30).
    // Stream rows 8..15 (bank 0) at 24..31, stream_end 32; acc from 24 + 8 = 32, retire 40.
    const ExecSchedule s2 = r.t.issue(ex(8, 67, 8, 8, 3, 3, true), 16);
    check(s2, 17, 22, 24, 32, 32, 40);
    // I3 reuses the stationary operand (preload = false): earliest = max(16 + 1, 24) = 24.
    CHECK(r.t.earliest_issue(0) == 24);
    // At 24: no reads before streaming, load_end = 25; stream_start = max(25, 32) = 32; rows 16..19 at
    // 32..35, stream_end 36; acc from 40, retire 44.
    const bool bank1_busy_before = r.spad.busy(1, 25);
    const ExecSchedule s3 = r.t.issue(ex(16, 70, 16, 4, 3, 3, false), 24);
    check(s3, 32, 25, 32, 36, 40, 44);  // first read is the stream
    CHECK_FALSE(bank1_busy_before);
    for (uint64_t c = 20; c < 60; ++c) CHECK_FALSE(r.spad.busy(1, c));  // no preload reads of rows 70..
    CHECK(r.acc.next_free(0, 24) == 44);  // acc writes 24..43 back to back
}

TEST_CASE("exec: WS preload colliding with an earlier stream in the same bank is pushed later", "[exec]") {
    Rig r(Dataflow::WS, 3, 5);
    // I1 at 10 as before but streams rows 0..7 of bank 0 at 16..23.
    const ExecSchedule s1 = r.t.issue(ex(0, 64, 0, 8, 3, 3, true), 10);
    check(s1, 11, 16, 16, 24, 24, 32);
    SECTION("conflict: preload from bank 0") {
        // I2 at 16 preloads rows 8..10 (bank 0, reserved 16..23) -> reads at 24, 25, 26;
        // load_end = 26 + 1 + (5 - 3) = 29; stream rows 72..75 (bank 1) at 29..32, stream_end 33;
        // acc from 29 + 8 = 37, retire 41.
        const ExecSchedule s2 = r.t.issue(ex(72, 8, 8, 4, 3, 3, true), 16);
        CHECK(s2.load_end == 29);
        CHECK(s2.stream_start == 29);
        CHECK(s2.stream_end == 33);
        CHECK(s2.acc_first_write == 37);
        CHECK(s2.retire == 41);
        CHECK(r.spad.next_free(0, 16) == 27);  // bank 0: stream 16..23 then preload 24..26
        // Reads at 17..19 would have ended the preload at 22, under I1's stream: start max(17, 24, 22) = 24.
        // The bank cost 29 - 24 = 5 cycles (cycle_breakdown.bank_conflict, not pipeline).
        CHECK(s2.bank_stall_cycles == 5);
        CHECK(s1.bank_stall_cycles == 0);
    }
    SECTION("no conflict: preload from bank 1") {
        // Rows 67..69 at 17..19: load_end 22, stream_start = max(24, 22) = 24.
        const ExecSchedule s2 = r.t.issue(ex(72, 67, 8, 4, 3, 3, true), 16);
        CHECK(s2.load_end == 22);
        CHECK(s2.stream_start == 24);
        CHECK(s2.retire == 24 + 8 + 4);
        CHECK(s2.bank_stall_cycles == 0);
    }
}

TEST_CASE("exec: first_read is the cycle of the first scratchpad read", "[exec]") {
    // ExecSchedule::first_read is documented as "first scratchpad read (preload, fill or stream)", but
    // exec_timing.cpp always sets it to issue + 1, even when that read was pushed by a bank conflict (or,
    // without preload, when the first read is the stream at stream_start).
    Rig r(Dataflow::WS, 3, 5);
    r.t.issue(ex(0, 64, 0, 8, 3, 3, true), 10);                // streams bank 0 at 16..23
    const ExecSchedule s2 = r.t.issue(ex(72, 8, 8, 4, 3, 3, true), 16);  // preload reads at 24..26
    CHECK(s2.first_read == 24);
    const ExecSchedule s3 = r.t.issue(ex(80, 0, 16, 2, 3, 3, false), 29);  // streams at 33
    CHECK(s3.first_read == s3.stream_start);
}

TEST_CASE("exec: earliest_issue rules", "[exec]") {
    Rig r(Dataflow::WS, 3, 5);
    CHECK(r.t.earliest_issue(7) == 7);  // nothing issued yet: ready as given
    // Without preload the stream starts at issue + 1, so one issue per cycle is the binding rule.
    const ExecSchedule s1 = r.t.issue(ex(0, 0, 0, 1, 3, 3, false), 7);
    CHECK(s1.stream_start == 8);
    CHECK(r.t.earliest_issue(0) == 8);
    CHECK(r.t.earliest_issue(7) == 8);
    CHECK(r.t.earliest_issue(100) == 100);
    // With preload the stream starts later (preload buffer busy until then).
    const ExecSchedule s2 = r.t.issue(ex(1, 64, 1, 1, 3, 3, true), 8);  // load_end 8 + 1 + 5 = 14
    CHECK(s2.stream_start == 14);
    CHECK(r.t.earliest_issue(9) == 14);
    CHECK(r.t.earliest_issue(15) == 15);
    // reset forgets the previous instruction.
    r.t.reset(500);
    CHECK(r.t.earliest_issue(3) == 3);
}

TEST_CASE("exec: reset starts from an idle unit", "[exec]") {
    Rig r(Dataflow::WS, 3, 5);
    r.t.issue(ex(0, 64, 0, 8, 3, 3, true), 10);
    r.t.reset(1000);
    // Same instruction at 1000 is scheduled as on a fresh unit: offsets as in the single-instruction case.
    const ExecSchedule s = r.t.issue(ex(64, 0, 100, 5, 3, 3, true), 1000);
    check(s, 1001, 1006, 1006, 1011, 1014, 1019);
}

// ---- Output stationary. Array 8 rows x 4 cols: results drain from stream_end + cols (4).

TEST_CASE("exec: OS single instruction: fill, stream, drain", "[exec]") {
    Rig r(Dataflow::OS, 8, 4);
    CHECK(r.t.mesh_latency() == 12);
    // Issue 10. Fill A rows 0..3 (bank 0) at 11..14 -> load_end 15. Stream B rows 64..69 (k = 6, bank 1)
    // at 15..20, stream_end 21. Drain from 21 + 4 = 25, m = 4 rows -> retire 29.
    const ExecSchedule s = r.t.issue(ex(0, 64, 0, 4, 4, 6, false), 10);
    check(s, 11, 15, 15, 21, 25, 29);
    for (uint64_t c = 0; c < 50; ++c) {
        INFO("cycle " << c);
        CHECK(r.spad.busy(0, c) == (c >= 11 && c < 15));
        CHECK(r.spad.busy(1, c) == (c >= 15 && c < 21));
        CHECK(r.acc.busy(0, c) == (c >= 25 && c < 29));
    }
    CHECK(r.t.earliest_issue(0) == 15);
}

TEST_CASE("exec: OS back-to-back fill overlaps the previous stream", "[exec]") {
    Rig r(Dataflow::OS, 8, 4);
    r.t.issue(ex(0, 64, 0, 4, 4, 6, false), 10);  // stream 15..20, drain 25..28
    // I2 at 15: fill rows 8..11 (bank 0) at 16..19 -> load_end 20. stream_start = max(20, stream_end 21) = 21
    // (the other result buffer is free); B rows 72..77 at 21..26, stream_end 27.
    // Drain from max(27 + 4, previous drain end 29) = 31 -> retire 35.
    const ExecSchedule s2 = r.t.issue(ex(8, 72, 4, 4, 4, 6, false), 15);
    check(s2, 16, 20, 21, 27, 31, 35);
    CHECK(s2.bank_stall_cycles == 0);
}

TEST_CASE("exec: OS fill yields to an earlier stream reservation", "[exec]") {
    Rig r(Dataflow::OS, 8, 4);
    r.t.issue(ex(0, 64, 0, 4, 4, 6, false), 10);  // streams bank 1 at 15..20, drain 25..28
    // I2 at 15 fills rows 70..73 of bank 1: free from 21 -> reads 21..24, load_end 25. stream_start =
    // max(25, 21) = 25; B rows 8..13 (bank 0) at 25..30, stream_end 31; drain from max(31 + 4, 29) = 35,
    // retire 39.
    const ExecSchedule s2 = r.t.issue(ex(70, 8, 4, 4, 4, 6, false), 15);
    CHECK(s2.load_end == 25);
    CHECK(s2.stream_start == 25);
    CHECK(s2.stream_end == 31);
    CHECK(s2.acc_first_write == 35);
    CHECK(s2.retire == 39);
    CHECK(r.spad.next_free(1, 15) == 25);
    // Unhindered, the fill would have ended at 15 + 1 + 4 = 20 and streaming started at max(20, 21) = 21:
    // the bank cost 25 - 21 = 4 cycles.
    CHECK(s2.bank_stall_cycles == 4);
}

TEST_CASE("exec: OS keeps at most two results in the array and drains in order", "[exec]") {
    Rig r(Dataflow::OS, 8, 4);
    // I1 at 0: fill rows 0..7 at 1..8, load_end 9; stream B row 64 (k = 1) at 9, stream_end 10;
    // drain from 10 + 4 = 14, 8 rows -> retire 22.
    const ExecSchedule s1 = r.t.issue(ex(0, 64, 0, 8, 4, 1, false), 0);
    check(s1, 1, 9, 9, 10, 14, 22);
    // I2 at earliest max(1, 9) = 9: fill row 16 at 10, load_end 11; start = max(11, 10) = 11 (the second
    // result buffer is free); stream_end 12; drain waits for I1's drain: max(12 + 4 = 16, 22) = 22 -> retire 23.
    CHECK(r.t.earliest_issue(0) == 9);
    const ExecSchedule s2 = r.t.issue(ex(16, 65, 8, 1, 4, 1, false), 9);
    check(s2, 10, 11, 11, 12, 22, 23);
    // I3 at earliest max(10, 11) = 11: fill row 17 at 12, load_end 13; it reuses I1's result buffer, which
    // starts draining at 14, so I3 streams at 14 (not 13); stream_end 15; drain from max(15 + 4, 23) = 23
    // -> retire 24.
    CHECK(r.t.earliest_issue(0) == 11);
    const ExecSchedule s3 = r.t.issue(ex(17, 66, 9, 1, 4, 1, false), 11);
    check(s3, 12, 13, 14, 15, 23, 24);
    CHECK(r.acc.next_free(0, 14) == 24);  // drains 14..23 back to back
}

TEST_CASE("exec: OS reset forgets the previous drain", "[exec]") {
    Rig r(Dataflow::OS, 8, 4);
    r.t.issue(ex(0, 64, 0, 8, 4, 1, false), 0);  // drains 14..21
    r.t.reset(100);
    // Fresh: fill rows 8..11 at 101..104, load_end 105; stream rows 72..73 at 105..106, stream_end 107;
    // drain from 111, retire 115.
    const ExecSchedule s = r.t.issue(ex(8, 72, 8, 4, 4, 2, false), 100);
    check(s, 101, 105, 105, 107, 111, 115);
}

// ---- Operand windows (on-chip im2col): the same cycles, other rows.

TEST_CASE("exec: window_row walks output rows with column and line steps", "[exec][window]") {
    Instruction in = ex(100, 0, 0, 7, 1, 1, false);
    for (uint64_t i = 0; i < 7; ++i) CHECK(sasim::window_row(in, 100, i) == 100 + i);  // no window
    // Output rows of 3 pixels starting at column 1; stride 2 (col step 2), padded input 10 pixels wide and
    // stride 2 vertically: from the last pixel of a row (column 2) to the first of the next is 2*10 - 2*2 = 16.
    in.win_w = 3;
    in.win_x0 = 1;
    in.win_col_step = 2;
    in.win_line_step = 16;
    // i:    0    1    2          3    4          5    6
    // col:  1    2    0 (wrap)   1    2    0 (wrap)   1
    const uint64_t want[] = {100, 102, 118, 120, 122, 138, 140};
    for (uint64_t i = 0; i < 7; ++i) {
        INFO("i = " << i);
        CHECK(sasim::window_row(in, 100, i) == want[i]);
    }
}

TEST_CASE("exec: WS windowed stream reserves the window's rows in the same cycles", "[exec][window]") {
    Rig r(Dataflow::WS, 3, 5);
    // Stream 6 rows: output rows of 2 pixels from column 0, col step 1, line step 62: rows 0, 1 | 63, 64 |
    // 126, 127.
    Instruction in = ex(0, 0, 0, 6, 3, 3, false);
    in.win_w = 2;
    in.win_col_step = 1;
    in.win_line_step = 62;
    const ExecSchedule s = r.t.issue(in, 10);
    // No preload: stream from 11 to 17, as without a window.
    check(s, 11, 11, 11, 17, 11 + 8, 11 + 8 + 6);
    // Rows 0, 1, 63 (bank 0) at 11, 12, 13; rows 64, 126, 127 (bank 1) at 14, 15, 16.
    for (uint64_t c = 0; c < 30; ++c) {
        INFO("cycle " << c);
        CHECK(r.spad.busy(0, c) == (c >= 11 && c <= 13));
        CHECK(r.spad.busy(1, c) == (c >= 14 && c <= 16));
    }
}

TEST_CASE("exec: IS windowed preload reads yield per row bank", "[exec][window]") {
    Rig r(Dataflow::IS, 3, 5);
    // A first instruction streams bank 1 (rows 64..69) at 11..16.
    r.t.issue(ex(64, 0, 0, 6, 0, 3, false), 10);
    // Second issues at 11 and preloads 3 windowed rows from b_row 60: w=1 (every row a new line),
    // line step 4 -> rows 60 (bank 0), 64 (bank 1), 68 (bank 1).
    Instruction in = ex(0, 60, 8, 2, 3, 3, true);
    in.win_w = 1;
    in.win_line_step = 4;
    const ExecSchedule s = r.t.issue(in, 11);
    // Row 60 reads at 12 (bank 0 free); row 64 (bank 1) waits for the stream to end: 17; row 68 at 18.
    // load_end = 18 + 1 + (5 - 3) = 21.
    CHECK(s.first_read == 12);
    CHECK(s.load_end == 21);
    CHECK(s.stream_start == 21);
}

TEST_CASE("exec: OS windowed fill reads the window's rows", "[exec][window]") {
    Rig r(Dataflow::OS, 3, 5);
    Instruction in = ex(62, 100, 0, 3, 5, 2, false);
    in.win_w = 2;
    in.win_x0 = 1;
    in.win_col_step = 1;
    in.win_line_step = 1;  // rows 62, 63, 64
    const ExecSchedule s = r.t.issue(in, 10);
    CHECK(s.first_read == 11);
    CHECK(s.load_end == 14);
    CHECK(r.spad.busy(0, 11));
    CHECK(r.spad.busy(0, 12));
    CHECK(r.spad.busy(1, 13));
}
