// SPDX-License-Identifier: MIT
// Unit tests of TraceEventWriter (common/trace_event_writer.h): valid JSON in every case, exact times,
// overlapping instructions on separate tracks of their unit, counters written when they change, the window
// and the size cap.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/trace_event_writer.h"

using sasim::TraceEventWriter;
using nlohmann::json;

namespace {

std::vector<json> of_phase(const json& t, const std::string& ph) {
    std::vector<json> out;
    for (const json& e : t["traceEvents"]) {
        if (e["ph"] == ph) out.push_back(e);
    }
    return out;
}

}  // namespace

TEST_CASE("trace events: times in microseconds, exactly", "[unit]") {
    std::ostringstream out;
    TraceEventWriter w(out, {});
    CHECK(w.micros(0) == "0.0000");
    CHECK(w.micros(12345) == "1.2345");
    CHECK(w.micros(10000) == "1.0000");
    CHECK(w.micros(18446744073709551615ull) == "1844674407370955.1615");
    TraceEventWriter::Options o;
    o.ticks_per_us = 1000;
    TraceEventWriter ns(out, o);
    CHECK(ns.micros(1001) == "1.001");
    o.ticks_per_us = 250;
    CHECK_THROWS_AS(TraceEventWriter(out, o), std::logic_error);
}

TEST_CASE("trace events: overlapping instructions of a unit take separate tracks", "[unit]") {
    std::ostringstream out;
    TraceEventWriter w(out, {});
    w.add_signal("model.load.queue", 32);
    w.sample(0, {2});
    w.sample(10, {2});  // unchanged: no event
    w.sample(20, {1});
    w.instruction("load", 0, 0, "LOAD a", 0, 100);
    w.instruction("load", 0, 1, "LOAD b", 50, 120);    // overlaps a: a second track
    w.instruction("load", 0, 2, "LOAD c", 100, 130);   // a has retired at 100: back on the first track
    w.instruction("execute", 0, 3, "EXECUTE", 60, 70);
    w.finish();
    const json t = json::parse(out.str());
    CHECK(t["displayTimeUnit"] == "ns");
    CHECK(t["otherData"]["truncated"] == false);
    const auto slices = of_phase(t, "X");
    REQUIRE(slices.size() == 4);
    CHECK(slices[0]["tid"] == slices[2]["tid"]);
    CHECK(slices[0]["tid"] != slices[1]["tid"]);
    CHECK(slices[3]["tid"] != slices[0]["tid"]);
    CHECK(slices[3]["tid"] != slices[1]["tid"]);
    CHECK(slices[1]["ts"].get<double>() == Approx(0.005));
    CHECK(slices[1]["dur"].get<double>() == Approx(0.007));
    CHECK(slices[2]["args"]["index"] == 2);
    CHECK(slices[1]["name"] == "LOAD b");
    std::vector<std::string> names;
    for (const json& m : of_phase(t, "M")) {
        if (m["name"] == "thread_name") names.push_back(m["args"]["name"]);
    }
    CHECK(names == std::vector<std::string>{"load 0", "load 1", "execute 0"});
    const auto counters = of_phase(t, "C");
    REQUIRE(counters.size() == 2);
    CHECK(counters[0]["args"]["value"] == 2);
    CHECK(counters[1]["args"]["value"] == 1);
    CHECK(counters[1]["ts"].get<double>() == Approx(0.002));
}

TEST_CASE("trace events: the window keeps what overlaps it, with every counter at its first sample", "[unit]") {
    std::ostringstream out;
    TraceEventWriter::Options o;
    o.from_tick = 100;
    o.to_tick = 200;
    TraceEventWriter w(out, o);
    w.add_signal("a", 32);
    w.add_signal("b", 1);
    w.sample(50, {1, 0});
    w.sample(100, {1, 1});
    w.sample(150, {2, 1});
    w.sample(200, {3, 0});
    w.instruction("store", 0, 0, "STORE", 0, 90);      // before: dropped
    w.instruction("store", 0, 1, "STORE", 90, 110);    // overlaps: kept
    w.instruction("store", 0, 2, "STORE", 200, 300);   // after: dropped
    w.finish();
    const json t = json::parse(out.str());
    const auto slices = of_phase(t, "X");
    REQUIRE(slices.size() == 1);
    CHECK(slices[0]["args"]["index"] == 1);
    const auto counters = of_phase(t, "C");
    REQUIRE(counters.size() == 3);  // a and b at 100 in full, a at 150
    CHECK(counters[0]["ts"].get<double>() == Approx(0.01));
    CHECK(counters[2]["name"] == "a");
    CHECK(counters[2]["args"]["value"] == 2);
}

TEST_CASE("trace events: the size cap leaves valid JSON that says where it stops", "[unit]") {
    std::ostringstream out;
    TraceEventWriter::Options o;
    o.max_bytes = 2000;
    TraceEventWriter w(out, o);
    w.add_signal("model.execute.queue", 32);
    for (uint64_t i = 0; i < 100; ++i) {
        w.sample(i * 10, {static_cast<int32_t>(i % 2)});
        w.instruction("execute", 0, i, "EXECUTE \"quoted\"", i * 10, i * 10 + 5);
    }
    CHECK(w.truncated());
    w.finish();
    CHECK(out.str().size() <= 2000);
    CHECK(w.bytes_written() == out.str().size());
    const json t = json::parse(out.str());
    CHECK(t["otherData"]["truncated"] == true);
    const double stop = t["otherData"]["truncated_at_us"].get<double>();
    CHECK(stop > 0);
    for (const json& e : t["traceEvents"]) {
        if (e.contains("ts")) CHECK(e["ts"].get<double>() <= stop);
    }
    CHECK(of_phase(t, "X").front()["name"] == "EXECUTE \"quoted\"");
}
