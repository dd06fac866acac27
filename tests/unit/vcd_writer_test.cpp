// SPDX-License-Identifier: MIT
// Unit tests of VcdWriter (common/vcd_writer.h): the header and scopes, values written only when they
// change, the window (a full dump at its first sample, nothing after it) and the size cap.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "common/vcd_writer.h"

using sasim::VcdWriter;

namespace {

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

std::string body(const std::string& vcd) { return vcd.substr(vcd.find("$enddefinitions $end\n") + 21); }

}  // namespace

TEST_CASE("vcd writer: header, scopes and changes", "[vcd]") {
    std::ostringstream out;
    VcdWriter w(out, {});
    CHECK(w.add_signal("model.layer", 32) == 0);
    CHECK(w.add_signal("model.load.queue", 32) == 1);
    CHECK(w.add_signal("model.load.busy", 1) == 2);
    CHECK(w.add_signal("model.dma.rows", 32) == 3);
    w.sample(0, {-1, 0, 0, 0});
    w.sample(10, {0, 2, 1, 0});
    w.sample(15, {0, 2, 1, 0});  // nothing changed: nothing written
    w.sample(20, {0, 1, 0, 5});
    CHECK_THROWS(w.add_signal("late", 32));
    w.finish();
    const std::string v = out.str();
    CHECK(v.rfind("$timescale\n     1 ns\n$end\n", 0) == 0);
    CHECK(v.find("$scope module SystemC $end\n$scope module model $end\n$var wire 32 ! layer [31:0] $end\n"
                 "$scope module load $end\n$var wire 32 \" queue [31:0] $end\n$var wire 1 # busy $end\n"
                 "$upscope $end\n$scope module dma $end\n$var wire 32 $ rows [31:0] $end\n$upscope $end\n"
                 "$upscope $end\n$upscope $end\n$enddefinitions $end\n") != std::string::npos);
    CHECK(body(v) == "#0\n$dumpvars\nb11111111111111111111111111111111 !\nb0 \"\n0#\nb0 $\n$end\n"
                     "#10\nb0 !\nb10 \"\n1#\n#20\nb1 \"\n0#\nb101 $\n");
    CHECK(w.bytes_written() == v.size());
    CHECK_FALSE(w.truncated());
}

TEST_CASE("vcd writer: a window writes its first sample in full and nothing outside", "[vcd]") {
    std::ostringstream out;
    VcdWriter::Options o;
    o.from_tick = 100;
    o.to_tick = 200;
    VcdWriter w(out, o);
    w.add_signal("a.x", 32);
    for (uint64_t t = 0; t < 300; t += 10) w.sample(t, {static_cast<int32_t>(t)});
    w.finish();
    const std::string b = body(out.str());
    CHECK(out.str().find("$comment window: ticks 100 to 200 $end") != std::string::npos);
    CHECK(b.find("#90\n") == std::string::npos);
    CHECK(b.find("#100\n$dumpvars\nb1100100 !\n$end\n") != std::string::npos);
    CHECK(b.find("#190\n") != std::string::npos);
    CHECK(b.find("#200\n") == std::string::npos);
    CHECK(count(b, "#") == 10);
}

TEST_CASE("vcd writer: the size cap stops the file below it, saying where", "[vcd]") {
    std::ostringstream out;
    VcdWriter::Options o;
    o.max_bytes = 2000;
    VcdWriter w(out, o);
    w.add_signal("a.x", 32);
    uint64_t t = 0;
    for (; t < 100000 && !w.truncated(); ++t) w.sample(t, {static_cast<int32_t>(t)});
    REQUIRE(w.truncated());
    w.sample(t + 1, {7});  // ignored
    w.finish();
    CHECK(out.str().size() <= 2000);
    CHECK(w.bytes_written() == out.str().size());
    CHECK(out.str().find("truncated: the next change (tick " + std::to_string(w.truncated_at_tick()) + ")") !=
          std::string::npos);
}
