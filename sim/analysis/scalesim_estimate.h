// SPDX-License-Identifier: MIT
// SCALE-Sim v2's compute report (CALC mode) in closed form: how SCALE-Sim maps a layer onto an R x C array
// (Sr, Sc, T and folds), its total cycles with the "-1" of its cycle counter, overall utilization, mapping
// efficiency and compute utilization, computed with SCALE-Sim's own conventions and floating-point order
// (/work/shared/reference/scalesim.md section 3; docs/validation.md).
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/scalesim_cfg.h"
#include "config/config.h"
#include "workload/workload.h"

namespace sasim::analysis {

// The array as SCALE-Sim sees it.
struct ScalesimArray {
    uint32_t rows = 0;                 // ArrayHeight (R)
    uint32_t cols = 0;                 // ArrayWidth (C)
    Dataflow dataflow = Dataflow::WS;
};
ScalesimArray scalesim_array(const Config& cfg);
ScalesimArray scalesim_array(const ScalesimCfg& cfg);

// One GEMM as SCALE-Sim sees a layer: M output pixels, N filters, K = window (filter h * w * channels).
struct ScalesimGemm {
    uint64_t m = 0;
    uint64_t n = 0;
    uint64_t k = 0;
};

// SCALE-Sim's mapping: spatial rows Sr, spatial columns Sc, temporal T, and the folds.
struct ScalesimFolds {
    uint64_t sr = 0, sc = 0, t = 0;   // os: M, N, K; ws: K, N, M; is: K, M, N
    uint64_t row_folds = 0;           // ceil(Sr / R)
    uint64_t col_folds = 0;           // ceil(Sc / C)
    uint64_t cycles_per_fold = 0;     // os: R + C + T - 2; ws, is: 2R + C + T - 2
};
ScalesimFolds scalesim_folds(const ScalesimArray& a, const ScalesimGemm& g);

// One layer of SCALE-Sim's view of a workload.
struct ScalesimLayer {
    std::string name;        // SCALE-Sim's name (a "DP" layer of a CSV becomes "<name>Channel_<i>")
    size_t layer_index = 0;  // index in Workload::layers of the sasim layer it comes from
    uint64_t gemms = 1;      // identical GEMMs run one after another (JSON layers: groups x batch)
    ScalesimGemm gemm;       // one of them
};

// The conv and gemm layers of `wl` as SCALE-Sim maps them (docs/validation.md, "Which GEMM"):
// - a SCALE-Sim topology CSV (*.csv): SCALE-Sim's own rules: output size ceil((H - R + s) / s), M = E_h * E_w,
//   K = R * S * C, N = filters; a layer whose name contains "DP" becomes C one-channel layers;
// - a sasim JSON trace: the layer's GemmView (our output size with padding, M = batch * out_h * out_w): `count`
//   GEMMs (groups, or the batch of a gemm layer) of (m, n, k), reported as one row.
std::vector<ScalesimLayer> scalesim_layers(const Workload& wl);

// One row of SCALE-Sim's COMPUTE_REPORT.csv.
struct ScalesimEstimate {
    ScalesimLayer layer;
    ScalesimFolds folds;
    uint64_t macs = 0;                  // gemms * M * N * K
    uint64_t total_cycles = 0;          // gemms * (row_folds * col_folds * cycles_per_fold - 1)
    uint64_t stall_cycles = 0;          // 0: CALC mode never stalls
    double overall_util_pct = 0;        // 100 * MACs / (total_cycles * R * C)
    double mapping_efficiency_pct = 0;  // 100 * mean over folds of used PEs / (R * C)
    double compute_util_pct = 0;        // 100 * mean over folds of used PEs * T / (R * C * fold cycles')
};

// The estimate of one layer (per-fold means summed in SCALE-Sim's fold order, column fold outer).
ScalesimEstimate estimate_layer(const ScalesimArray& a, const ScalesimLayer& layer);
std::vector<ScalesimEstimate> estimate_workload(const ScalesimArray& a, const Workload& wl);

// Python's repr() of a float (shortest round-trip digits, "100.0", "1e-05"), as SCALE-Sim writes numbers.
std::string python_repr(double v);

// COMPUTE_REPORT.csv exactly as SCALE-Sim v2 writes it (header, then "id, cycles, stalls, util, eff, cutil,").
extern const char* const kComputeReportHeader;
void write_compute_report(std::ostream& os, const std::vector<ScalesimEstimate>& rows);

}  // namespace sasim::analysis
