// SPDX-License-Identifier: MIT
#include "analysis/scalesim_estimate.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

namespace sasim::analysis {

namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

bool is_csv(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext == ".csv";
}

// SCALE-Sim's output size: int(math.ceil((ifmap - filt + stride) / stride)).
uint64_t scalesim_out(uint64_t in, uint64_t kernel, uint64_t stride) { return ceil_div(in - kernel + stride, stride); }

// The per-fold means are summed one fold at a time, as Python's sum() over SCALE-Sim's per-fold lists (so the
// last digit matches); beyond this many folds the closed form of the mean is used instead.
constexpr uint64_t kMaxSummedFolds = uint64_t{1} << 28;

}  // namespace

ScalesimArray scalesim_array(const Config& cfg) { return {cfg.array.rows, cfg.array.cols, cfg.array.dataflow}; }

ScalesimArray scalesim_array(const ScalesimCfg& cfg) { return {cfg.array_height, cfg.array_width, cfg.dataflow}; }

ScalesimFolds scalesim_folds(const ScalesimArray& a, const ScalesimGemm& g) {
    ScalesimFolds f;
    const uint64_t r = a.rows, c = a.cols;
    switch (a.dataflow) {
        case Dataflow::OS: f.sr = g.m, f.sc = g.n, f.t = g.k; break;
        case Dataflow::WS: f.sr = g.k, f.sc = g.n, f.t = g.m; break;
        case Dataflow::IS: f.sr = g.k, f.sc = g.m, f.t = g.n; break;
    }
    f.row_folds = ceil_div(f.sr, r);
    f.col_folds = ceil_div(f.sc, c);
    // OS: T rows streamed + C - 1 drain, skewed over R; WS/IS: R rows of preload first (scalesim.md 3.2).
    f.cycles_per_fold = a.dataflow == Dataflow::OS ? r + c + f.t - 2 : 2 * r + c + f.t - 2;
    return f;
}

std::vector<ScalesimLayer> scalesim_layers(const Workload& wl) {
    const bool csv = is_csv(wl.path);
    std::vector<ScalesimLayer> out;
    for (size_t i = 0; i < wl.layers.size(); ++i) {
        const Layer& l = wl.layers[i];
        if (l.kind == LayerKind::Other) continue;
        if (!csv) {
            const GemmView v = l.gemm_view();
            out.push_back({l.name, i, v.count, {v.m, v.n, v.k}});
            continue;
        }
        if (l.kind == LayerKind::Gemm) {  // SCALE-Sim: conv H = M, W = K, R = 1, S = K, C = 1, N filters
            out.push_back({l.name, i, 1, {l.gemm.m, l.gemm.n, l.gemm.k}});
            continue;
        }
        const ConvShape& c = l.conv;
        const uint64_t m = scalesim_out(c.in_h, c.kernel_h, c.stride_h) * scalesim_out(c.in_w, c.kernel_w, c.stride_w);
        const uint64_t window = uint64_t{c.kernel_h} * c.kernel_w;
        if (l.name.find("DP") != std::string::npos) {  // SCALE-Sim's depthwise hack: one layer per channel
            for (uint32_t ch = 0; ch < c.in_c; ++ch) {
                out.push_back({fmt::format("{}Channel_{}", l.name, ch), i, 1, {m, c.out_c, window}});
            }
        } else {
            out.push_back({l.name, i, 1, {m, c.out_c, window * c.in_c}});
        }
    }
    return out;
}

ScalesimEstimate estimate_layer(const ScalesimArray& a, const ScalesimLayer& layer) {
    ScalesimEstimate e;
    e.layer = layer;
    e.folds = scalesim_folds(a, layer.gemm);
    const ScalesimFolds& f = e.folds;
    const uint64_t r = a.rows, c = a.cols, pes = r * c;
    const ScalesimGemm& g = layer.gemm;
    e.macs = layer.gemms * g.m * g.n * g.k;
    const uint64_t per_gemm = f.row_folds * f.col_folds * f.cycles_per_fold - 1;  // SCALE-Sim's off-by-one
    e.total_cycles = layer.gemms * per_gemm;
    // compute_util's fold length: the OFMAP (os) or FILTER/IFMAP (ws/is) demand rows + C - 1.
    const uint64_t util_cycles = a.dataflow == Dataflow::OS ? r + c + f.t - 2 : 2 * r + 2 * c + f.t - 3;
    const uint64_t folds = f.row_folds * f.col_folds;
    double map_mean = 0;
    double util_mean = 0;
    if (folds <= kMaxSummedFolds) {
        double map_sum = 0;
        double util_sum = 0;
        for (uint64_t fc = 0; fc < f.col_folds; ++fc) {
            const uint64_t col_used = std::min(c, f.sc - fc * c);
            for (uint64_t fr = 0; fr < f.row_folds; ++fr) {
                const uint64_t used = std::min(r, f.sr - fr * r) * col_used;
                map_sum += static_cast<double>(used) / static_cast<double>(pes);
                util_sum += static_cast<double>(used * f.t) / static_cast<double>(pes * util_cycles);
            }
        }
        map_mean = map_sum / static_cast<double>(folds);
        util_mean = util_sum / static_cast<double>(folds);
    } else {
        map_mean = static_cast<double>(f.sr) * static_cast<double>(f.sc) /
                   (static_cast<double>(folds) * static_cast<double>(pes));
        util_mean = map_mean * static_cast<double>(f.t) / static_cast<double>(util_cycles);
    }
    e.mapping_efficiency_pct = map_mean * 100;
    e.compute_util_pct = util_mean * 100;
    // (num_compute * 100) / (total_cycles * num_mac_unit), integers divided once.
    e.overall_util_pct = e.total_cycles == 0 ? 0.0
                                             : static_cast<double>(e.macs * 100) /
                                                   static_cast<double>(e.total_cycles * pes);
    return e;
}

std::vector<ScalesimEstimate> estimate_workload(const ScalesimArray& a, const Workload& wl) {
    std::vector<ScalesimEstimate> out;
    for (const ScalesimLayer& l : scalesim_layers(wl)) out.push_back(estimate_layer(a, l));
    return out;
}

std::string python_repr(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);  // shortest
    const std::string sci(buf, res.ptr);
    const size_t epos = sci.find('e');
    std::string mant = sci.substr(0, epos);
    const int exp = std::stoi(sci.substr(epos + 1));
    const bool neg = mant[0] == '-';
    if (neg) mant.erase(0, 1);
    std::string digits;
    for (char ch : mant) {
        if (ch != '.') digits += ch;
    }
    const int decpt = exp + 1;  // value = 0.digits * 10^decpt
    const int nd = static_cast<int>(digits.size());
    std::string out;
    if (decpt > -4 && decpt <= 16) {  // Python's repr: fixed notation in this range, else exponent
        if (decpt <= 0) {
            out = "0." + std::string(static_cast<size_t>(-decpt), '0') + digits;
        } else if (decpt >= nd) {
            out = digits + std::string(static_cast<size_t>(decpt - nd), '0') + ".0";
        } else {
            out = digits.substr(0, static_cast<size_t>(decpt)) + "." + digits.substr(static_cast<size_t>(decpt));
        }
    } else {
        out = digits.substr(0, 1) + (nd > 1 ? "." + digits.substr(1) : "") +
              fmt::format("e{}{:02d}", exp < 0 ? '-' : '+', std::abs(exp));
    }
    return neg ? "-" + out : out;
}

const char* const kComputeReportHeader =
    "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,";

void write_compute_report(std::ostream& os, const std::vector<ScalesimEstimate>& rows) {
    os << kComputeReportHeader << '\n';
    for (size_t i = 0; i < rows.size(); ++i) {
        const ScalesimEstimate& e = rows[i];
        os << i << ", " << e.total_cycles << ", " << e.stall_cycles << ", " << python_repr(e.overall_util_pct)
           << ", " << python_repr(e.mapping_efficiency_pct) << ", " << python_repr(e.compute_util_pct) << ",\n";
    }
}

}  // namespace sasim::analysis
