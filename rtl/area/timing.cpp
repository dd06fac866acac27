// SPDX-License-Identifier: MIT
// OpenSTA on the synthesized netlist: the critical path and fmax (rtl/area/timing.h).
#include "rtl/area/timing.h"

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/file_text.h"
#include "rtl/tools/process.h"

namespace sasim::rtl {
namespace fs = std::filesystem;
using nlohmann::json;

std::string sta_script(const std::string& liberty, const std::string& netlist, const std::string& top) {
    return fmt::format(
        "read_liberty {{{}}}\n"
        "read_verilog {{{}}}\n"
        "link_design {}\n"
        "create_clock -name clk -period {} [get_ports clk]\n"
        "set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk]]\n"
        "set_output_delay 0 -clock clk [all_outputs]\n"
        "report_checks -path_delay max -digits 3\n",
        liberty, netlist, top, kStaPeriodNs);
}

namespace {

// The first token after `prefix` at the start of a line of `text`, or "".
std::string field_after(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) != 0) continue;
        std::istringstream rest(line.substr(prefix.size()));
        std::string token;
        rest >> token;
        return token;
    }
    return "";
}

}  // namespace

TimingEstimate parse_sta_report(const std::string& text, const std::string& origin) {
    TimingEstimate t;
    // OpenSTA goes on after an error in the netlist (a statement it cannot parse is dropped), so a report
    // after one would time another circuit.
    const size_t error = text.rfind("Error: ", 0) == 0 ? 0 : text.find("\nError: ");
    if (error != std::string::npos) {
        const size_t from = error == 0 ? 0 : error + 1;
        throw SimulationError(fmt::format("{}: OpenSTA reported an error: {}", origin,
                                          text.substr(from, text.find('\n', from) - from)));
    }
    if (text.find("No paths found.") != std::string::npos) {
        t.note = "OpenSTA found no constrained path";
        return t;
    }
    // "   2.645   slack (MET)" or "  -1.2   slack (VIOLATED)": the number before the word.
    std::istringstream in(text);
    std::string line;
    bool found = false;
    double slack = 0;
    while (std::getline(in, line)) {
        const size_t at = line.find("slack (");
        if (at == std::string::npos) continue;
        std::istringstream num(line.substr(0, at));
        if (!(num >> slack)) throw InputError(fmt::format("{}: slack line without a number: \"{}\"", origin, line));
        found = true;
        break;
    }
    if (!found) throw InputError(fmt::format("{}: no slack line in the OpenSTA report", origin));
    t.critical_path_ns = kStaPeriodNs - slack;
    if (!(t.critical_path_ns > 0)) {
        throw InputError(fmt::format("{}: a slack of {} ns leaves no critical path in a {} ns period", origin, slack,
                                     kStaPeriodNs));
    }
    t.startpoint = field_after(text, "Startpoint: ");
    t.endpoint = field_after(text, "Endpoint: ");
    t.fmax_lib_mhz = 1000.0 / t.critical_path_ns;
    t.computed = true;
    return t;
}

TimingEstimate run_sta(const std::string& dir, const std::string& liberty, const std::string& netlist,
                       const std::string& top) {
    const std::string sta = find_on_path("sta");
    if (sta.empty()) {
        TimingEstimate t;
        t.note = "not computed: OpenSTA is not installed (Debian package opensta)";
        return t;
    }
    const fs::path script = fs::path(dir) / "sta.tcl", log = fs::path(dir) / "sta.log";
    std::ofstream(script) << sta_script(liberty, netlist, top);
    const int rc = run_process({sta, "-no_splash", "-exit", script.string()}, log.string());
    if (rc != 0) {
        throw SimulationError(fmt::format("OpenSTA failed (exit {}) on {}:\n{}", rc, netlist, tail_lines(log.string(), 10)));
    }
    TimingEstimate t = parse_sta_report(read_text(log.string()), log.string());
    t.module = top;
    return t;
}

TimingEstimate worse_timing(const TimingEstimate& a, const TimingEstimate& b) {
    if (!a.computed) return b.computed ? b : a;
    if (!b.computed) return a;
    return b.critical_path_ns > a.critical_path_ns ? b : a;
}

json timing_to_json(const TimingEstimate& t) {
    if (!t.computed) return {{"computed", false}, {"note", t.note}};
    return {{"computed", true},
            {"module", t.module},
            {"startpoint", t.startpoint},
            {"endpoint", t.endpoint},
            {"critical_path_ns", t.critical_path_ns},
            {"fmax_lib_mhz", t.fmax_lib_mhz},
            {"delay_scale", t.delay_scale},
            {"fmax_mhz", t.fmax_mhz}};
}

TimingEstimate timing_from_json(const json& j) {
    TimingEstimate t;
    t.computed = j.value("computed", false);
    t.note = j.value("note", "");
    t.module = j.value("module", "");
    t.startpoint = j.value("startpoint", "");
    t.endpoint = j.value("endpoint", "");
    t.critical_path_ns = j.value("critical_path_ns", 0.0);
    t.fmax_lib_mhz = j.value("fmax_lib_mhz", 0.0);
    return t;
}

}  // namespace sasim::rtl
