// SPDX-License-Identifier: MIT
// The critical path of the synthesized netlist, from OpenSTA (Debian package opensta) at the liberty's
// corner, and the fmax estimate it gives at a technology node (docs/cost.md, "fmax"). The script and the
// report parser are pure functions, tested directly; run_sta runs the tool.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace sasim::rtl {

// The clock period the netlist is checked against; the critical path is this minus the worst slack, so
// any period longer than the path gives the same answer.
inline constexpr double kStaPeriodNs = 1000.0;

// The OpenSTA script: read the liberty and the Yosys netlist, link `top`, one clock on port `clk`, every
// other input arriving and every output required at the clock edge (ideal I/O), the worst setup path.
std::string sta_script(const std::string& liberty, const std::string& netlist, const std::string& top);

struct TimingEstimate {
    bool computed = false;       // false: no OpenSTA, or no constrained path; `note` says which
    std::string note;
    std::string module;          // the netlist's top the path was found in (sasim_area_timing's parts)
    std::string startpoint, endpoint;  // of the critical path
    double critical_path_ns = 0;       // at the liberty's corner: data arrival plus setup
    double fmax_lib_mhz = 0;           // 1000 / critical_path_ns
    double delay_scale = 0;            // the technology table's delay_scale_from_180nm
    double fmax_mhz = 0;               // fmax_lib_mhz / delay_scale: the estimate at the technology
};

// Reads `report_checks -path_delay max` output of the script above (period kStaPeriodNs). Throws
// InputError naming `origin` when the text has no slack line; "No paths found." gives computed = false.
TimingEstimate parse_sta_report(const std::string& text, const std::string& origin);

// Runs `sta` on the script in `dir` (writes sta.tcl and sta.log there) and parses its report. When sta is
// not on PATH, returns computed = false with a note; a failing sta throws SimulationError with its log.
TimingEstimate run_sta(const std::string& dir, const std::string& liberty, const std::string& netlist,
                       const std::string& top);

// The estimate with the longer critical path (a computed one over one that is not).
TimingEstimate worse_timing(const TimingEstimate& a, const TimingEstimate& b);

nlohmann::json timing_to_json(const TimingEstimate& t);
TimingEstimate timing_from_json(const nlohmann::json& j);

}  // namespace sasim::rtl
