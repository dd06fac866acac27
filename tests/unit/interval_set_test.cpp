// SPDX-License-Identifier: MIT
// Unit tests of model::IntervalSet, checked against a brute-force bitset over small random cases.
#include <catch2/catch.hpp>

#include <bitset>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "model/interval_set.h"

using sasim::model::IntervalSet;

namespace {

constexpr size_t kCycles = 96;
using Bits = std::bitset<kCycles>;

// The maximal runs of set bits, as [begin, end) pairs: the unique normalized form.
std::vector<std::pair<uint64_t, uint64_t>> runs(const Bits& b) {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    size_t i = 0;
    while (i < kCycles) {
        if (!b[i]) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < kCycles && b[j]) ++j;
        out.emplace_back(i, j);
        i = j;
    }
    return out;
}

std::vector<std::pair<uint64_t, uint64_t>> spans_of(IntervalSet& s) {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    for (const auto& sp : s.spans()) out.emplace_back(sp.begin, sp.end);
    return out;
}

std::string show(const std::vector<std::pair<uint64_t, uint64_t>>& v) {
    std::ostringstream o;
    for (const auto& p : v) o << "[" << p.first << "," << p.second << ")";
    return o.str();
}

// Adds `count` random spans (some empty, some overlapping or touching) to both representations.
void fill_random(std::mt19937& rng, int count, IntervalSet& s, Bits& b) {
    for (int i = 0; i < count; ++i) {
        const uint64_t x = rng() % kCycles;
        const uint64_t y = rng() % (kCycles + 1);
        const uint64_t begin = rng() % 8 == 0 ? y : x;  // sometimes begin >= end: ignored
        const uint64_t end = rng() % 8 == 0 ? x : y;
        s.add(begin, end);
        for (uint64_t t = begin; t < end; ++t) b.set(t);
    }
}

}  // namespace

TEST_CASE("intervals: spans added out of order are sorted and merged", "[intervals]") {
    IntervalSet s;
    s.add(20, 30);
    s.add(5, 10);
    s.add(10, 12);  // touches [5, 10)
    s.add(25, 40);  // overlaps [20, 30)
    s.add(50, 50);  // empty
    s.add(60, 55);  // reversed: ignored
    s.add(22, 23);  // inside
    const auto& v = s.spans();
    REQUIRE(v.size() == 2);
    CHECK(v[0].begin == 5);
    CHECK(v[0].end == 12);
    CHECK(v[1].begin == 20);
    CHECK(v[1].end == 40);
    CHECK(s.measure() == 7 + 20);
    s.clear();
    CHECK(s.measure() == 0);
    CHECK(s.spans().empty());
}

TEST_CASE("intervals: in-order touching spans merge without normalize", "[intervals]") {
    IntervalSet s;
    s.add(0, 3);
    s.add(3, 5);
    s.add(7, 9);
    CHECK(s.measure() == 7);
    REQUIRE(s.spans().size() == 2);
    CHECK(s.spans()[0].end == 5);
    // Adding after normalization keeps working.
    s.add(1, 8);
    REQUIRE(s.spans().size() == 1);
    CHECK(s.spans()[0].begin == 0);
    CHECK(s.spans()[0].end == 9);
}

TEST_CASE("intervals: set operations on hand-made sets", "[intervals]") {
    IntervalSet a, b;
    a.add(0, 10);
    a.add(20, 30);
    b.add(5, 25);
    b.add(28, 40);
    auto i = IntervalSet::intersect(a, b);
    auto m = IntervalSet::minus(a, b);
    auto u = IntervalSet::unite(a, b);
    using V = std::vector<std::pair<uint64_t, uint64_t>>;
    CHECK(spans_of(i) == V{{5, 10}, {20, 25}, {28, 30}});
    CHECK(spans_of(m) == V{{0, 5}, {25, 28}});
    CHECK(spans_of(u) == V{{0, 40}});
    auto bm = IntervalSet::minus(b, a);
    CHECK(spans_of(bm) == V{{10, 20}, {30, 40}});
    IntervalSet empty;
    CHECK(IntervalSet::intersect(a, empty).measure() == 0);
    CHECK(IntervalSet::minus(a, empty).measure() == a.measure());
    CHECK(IntervalSet::minus(empty, a).measure() == 0);
    CHECK(IntervalSet::unite(empty, b).measure() == b.measure());
}

TEST_CASE("intervals: random sets agree with a brute-force bitset", "[intervals]") {
    std::mt19937 rng(20240611);
    for (int round = 0; round < 500; ++round) {
        IntervalSet a, b;
        Bits ba, bb;
        fill_random(rng, static_cast<int>(rng() % 7), a, ba);
        fill_random(rng, static_cast<int>(rng() % 7), b, bb);
        INFO("round " << round << " a=" << show(runs(ba)) << " b=" << show(runs(bb)));

        // Normalize/measure on a copy first (to also exercise the operations on un-normalized inputs).
        IntervalSet ac = a;
        CHECK(ac.measure() == ba.count());
        CHECK(spans_of(ac) == runs(ba));

        IntervalSet i = IntervalSet::intersect(a, b);
        IntervalSet m = IntervalSet::minus(a, b);
        IntervalSet u = IntervalSet::unite(a, b);
        CHECK(spans_of(i) == runs(ba & bb));
        CHECK(spans_of(m) == runs(ba & ~bb));
        CHECK(spans_of(u) == runs(ba | bb));
        CHECK(i.measure() == (ba & bb).count());
        CHECK(m.measure() == (ba & ~bb).count());
        CHECK(u.measure() == (ba | bb).count());
        // The inputs are unchanged by the operations (only normalized).
        CHECK(spans_of(a) == runs(ba));
        CHECK(spans_of(b) == runs(bb));
    }
}

TEST_CASE("intervals: spans added in start order (overlapping, nested, touching) match a bitset", "[intervals]") {
    std::mt19937 rng(11);
    for (int trial = 0; trial < 200; ++trial) {
        IntervalSet s;
        Bits b;
        uint64_t begin = 0;
        while (true) {
            begin += rng() % 4;  // non-decreasing starts, as the DMA adds its requests
            if (begin >= kCycles) break;
            const uint64_t end = std::min<uint64_t>(kCycles, begin + rng() % 12);
            s.add(begin, end);
            for (uint64_t t = begin; t < end; ++t) b.set(t);
        }
        INFO("trial " << trial);
        REQUIRE(show(spans_of(s)) == show(runs(b)));
        REQUIRE(s.measure() == b.count());
    }
}
