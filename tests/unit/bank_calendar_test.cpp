// SPDX-License-Identifier: MIT
// Unit tests of model::BankCalendar: port reservations of a banked single-ported SRAM.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "common/errors.h"
#include "model/bank_calendar.h"

using sasim::model::BankCalendar;

TEST_CASE("bank: bank_of maps blocks of rows to banks", "[bank]") {
    BankCalendar c(4, 16);
    CHECK(c.banks() == 4);
    CHECK(c.bank_of(0) == 0);
    CHECK(c.bank_of(15) == 0);
    CHECK(c.bank_of(16) == 1);
    CHECK(c.bank_of(47) == 2);
    CHECK(c.bank_of(63) == 3);
}

TEST_CASE("bank: claim marks exactly the claimed cycles busy", "[bank]") {
    BankCalendar c(2, 8);
    c.claim(1, 10, 5);  // [10, 15)
    for (uint64_t t = 0; t < 30; ++t) {
        INFO("cycle " << t);
        CHECK(c.busy(1, t) == (t >= 10 && t < 15));
        CHECK_FALSE(c.busy(0, t));
    }
    CHECK(c.next_free(1, 9) == 9);
    CHECK(c.next_free(1, 10) == 15);
    CHECK(c.next_free(1, 14) == 15);
    CHECK(c.next_free(1, 15) == 15);
    CHECK(c.next_free(0, 12) == 12);
    c.claim(1, 3, 0);  // empty claim: no effect
    CHECK_FALSE(c.busy(1, 3));
}

TEST_CASE("bank: touching spans merge so next_free skips all of them", "[bank]") {
    BankCalendar c(1, 100);
    SECTION("append after") {
        c.claim(0, 10, 5);
        c.claim(0, 15, 5);
        CHECK(c.next_free(0, 12) == 20);
    }
    SECTION("prepend before") {
        c.claim(0, 15, 5);
        c.claim(0, 10, 5);
        CHECK(c.next_free(0, 10) == 20);
    }
    SECTION("fill the gap between two spans") {
        c.claim(0, 10, 5);
        c.claim(0, 20, 5);
        CHECK(c.next_free(0, 11) == 15);
        c.claim(0, 15, 5);
        CHECK(c.next_free(0, 11) == 25);
        CHECK(c.next_free(0, 24) == 25);
    }
    SECTION("one cycle at a time") {
        for (uint64_t t = 40; t < 50; ++t) c.claim(0, t, 1);
        CHECK(c.next_free(0, 40) == 50);
        CHECK(c.busy(0, 49));
        CHECK_FALSE(c.busy(0, 50));
    }
    SECTION("a gap of one cycle stays free") {
        c.claim(0, 10, 5);
        c.claim(0, 16, 4);
        CHECK(c.next_free(0, 10) == 15);
        CHECK(c.next_free(0, 16) == 20);
        CHECK_FALSE(c.busy(0, 15));
    }
}

TEST_CASE("bank: claiming a reserved cycle throws SimulationError", "[bank]") {
    BankCalendar c(2, 8);
    c.claim(0, 10, 5);  // [10, 15)
    CHECK_THROWS_AS(c.claim(0, 14, 2), sasim::SimulationError);
    CHECK_THROWS_AS(c.claim(0, 5, 6), sasim::SimulationError);
    CHECK_THROWS_AS(c.claim(0, 12, 1), sasim::SimulationError);
    CHECK_THROWS_AS(c.claim(0, 0, 100), sasim::SimulationError);
    CHECK_THROWS_AS(c.claim(0, 10, 5), sasim::SimulationError);
    // Neighbouring cycles and the other bank are fine.
    CHECK_NOTHROW(c.claim(0, 15, 1));
    CHECK_NOTHROW(c.claim(0, 9, 1));
    CHECK_NOTHROW(c.claim(1, 12, 1));
    // After the merges [9, 16) is one span: its inside still collides.
    CHECK_THROWS_AS(c.claim(0, 15, 1), sasim::SimulationError);
    CHECK_THROWS_AS(c.claim(0, 9, 1), sasim::SimulationError);
    CHECK(c.next_free(0, 9) == 16);
}

TEST_CASE("bank: claim_row_stream crosses a bank boundary", "[bank]") {
    BankCalendar c(3, 8);
    // Rows 6..17 at cycles 100..111: rows 6,7 in bank 0 (100, 101), rows 8..15 in bank 1 (102..109),
    // rows 16,17 in bank 2 (110, 111).
    c.claim_row_stream(6, 12, 100);
    for (uint64_t t = 95; t < 120; ++t) {
        INFO("cycle " << t);
        CHECK(c.busy(0, t) == (t >= 100 && t < 102));
        CHECK(c.busy(1, t) == (t >= 102 && t < 110));
        CHECK(c.busy(2, t) == (t >= 110 && t < 112));
    }
    // A stream that collides in its second bank throws.
    CHECK_THROWS_AS(c.claim_row_stream(7, 2, 102), sasim::SimulationError);  // row 7 free, row 8 at 103
    CHECK_NOTHROW(c.claim_row_stream(0, 0, 100));                                   // nothing to reserve
}

TEST_CASE("bank: claim_row_stream within one bank is one span", "[bank]") {
    BankCalendar c(2, 16);
    c.claim_row_stream(16, 16, 7);  // bank 1, cycles 7..22
    CHECK(c.next_free(1, 7) == 23);
    CHECK_FALSE(c.busy(0, 10));
}

TEST_CASE("bank: prune drops spans that have ended", "[bank]") {
    BankCalendar c(2, 8);
    c.claim(0, 10, 5);  // [10, 15)
    c.claim(0, 20, 5);  // [20, 25)
    c.claim(1, 12, 8);  // [12, 20)
    c.prune(15);
    CHECK_FALSE(c.busy(0, 12));  // dropped: ended at 15
    CHECK(c.busy(0, 22));        // kept
    CHECK(c.busy(1, 16));        // kept: ends after 15
    CHECK(c.busy(1, 12));        // the kept span is whole
    CHECK_NOTHROW(c.claim(0, 10, 5));  // the old cycles can be reserved again
    c.prune(100);
    CHECK_FALSE(c.busy(0, 22));
    CHECK_FALSE(c.busy(1, 16));
    c.claim(1, 30, 2);
    c.clear();
    CHECK_FALSE(c.busy(1, 30));
}

TEST_CASE("bank: random claims agree with a per-cycle model", "[bank]") {
    std::mt19937 rng(12345);
    for (int round = 0; round < 50; ++round) {
        BankCalendar c(2, 4);
        std::vector<std::vector<bool>> used(2, std::vector<bool>(80, false));
        for (int i = 0; i < 40; ++i) {
            const uint32_t bank = rng() % 2;
            const uint64_t start = rng() % 70;
            const uint64_t len = 1 + rng() % 6;
            bool clash = false;
            for (uint64_t t = start; t < start + len; ++t) clash = clash || used[bank][t];
            if (clash) {
                CHECK_THROWS_AS(c.claim(bank, start, len), sasim::SimulationError);
            } else {
                c.claim(bank, start, len);
                for (uint64_t t = start; t < start + len; ++t) used[bank][t] = true;
            }
        }
        for (uint32_t b = 0; b < 2; ++b) {
            for (uint64_t t = 0; t < 80; ++t) {
                uint64_t nf = t;
                while (nf < 80 && used[b][nf]) ++nf;
                REQUIRE(c.busy(b, t) == used[b][t]);
                REQUIRE(c.next_free(b, t) == nf);
            }
        }
    }
}

TEST_CASE("bank: next_free_advancing answers like next_free while the caller moves forward; claims still work",
          "[bank]") {
    std::mt19937 rng(7);
    BankCalendar c(2, 4);
    std::vector<std::vector<bool>> used(2, std::vector<bool>(400, false));
    uint64_t now = 0;
    while (now < 300) {
        // The execute side claims a few spans after `now`; the DMA side then asks about the next cycles.
        for (int k = 0; k < 3; ++k) {
            const uint32_t bank = rng() % 2;
            const uint64_t start = now + 1 + rng() % 20, len = 1 + rng() % 5;
            bool clash = false;
            for (uint64_t t = start; t < start + len; ++t) clash = clash || used[bank][t];
            if (!clash) {
                c.claim(bank, start, len);
                for (uint64_t t = start; t < start + len; ++t) used[bank][t] = true;
            }
        }
        const uint64_t until = now + 1 + rng() % 4;
        for (; now < until; ++now) {
            for (uint32_t b = 0; b < 2; ++b) {
                INFO("bank " << b << " cycle " << now);
                uint64_t nf = now;
                while (used[b][nf]) ++nf;
                REQUIRE(c.next_free_advancing(b, now) == nf);
                REQUIRE(c.busy(b, now) == used[b][now]);
            }
        }
    }
}
