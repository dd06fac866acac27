// SPDX-License-Identifier: MIT
#include "workload/fusion.h"

namespace sasim {
namespace {

// Ops of one input a value passes through unchanged in this model: the aliases, the BatchNormalization folded
// into a conv's weights and a bias add (an add of one layer and a constant: value_flow.h, "bias").
bool passes_through(const std::string& op) {
    return is_alias_op(op) || op == "batchnormalization" || op == "add";
}

uint64_t output_elements(const Layer& l) {
    const GemmView v = l.gemm_view();
    return v.count * v.m * v.n;
}

}  // namespace

std::vector<ResidualAdd> residual_adds(const Workload& wl) {
    std::vector<ResidualAdd> out;
    if (!validate_inputs(wl).empty()) return out;
    const size_t n = wl.layers.size();
    std::vector<std::vector<uint32_t>> ins(n);
    std::vector<uint32_t> readers(n, 0);  // how many layers read each layer's output
    for (size_t i = 0; i < n; ++i) {
        ins[i] = layer_inputs(wl, i);
        for (const uint32_t p : ins[i]) {
            if (p != kNetworkInput) ++readers[p];
        }
    }
    std::vector<bool> taken(n, false);
    for (size_t a = 0; a < n; ++a) {
        const Layer& add = wl.layers[a];
        if (add.kind != LayerKind::Other || add.op != "add" || ins[a].size() != 2) continue;
        // Each input's executed source X, when the path from X to the add is X's only reader chain.
        uint32_t source[2] = {kNetworkInput, kNetworkInput};
        for (int s = 0; s < 2; ++s) {
            uint32_t p = ins[a][s];
            while (p != kNetworkInput && readers[p] == 1 && wl.layers[p].kind == LayerKind::Other &&
                   ins[p].size() == 1 && passes_through(wl.layers[p].op)) {
                p = ins[p][0];
            }
            if (p == kNetworkInput || readers[p] != 1 || wl.layers[p].kind == LayerKind::Other || taken[p]) continue;
            if (add.elements != 0 && add.elements != output_elements(wl.layers[p])) continue;
            source[s] = p;
        }
        if (ins[a][0] == ins[a][1]) continue;  // x + x: no shortcut of its own
        int pick = -1;
        if (source[0] != kNetworkInput && (source[1] == kNetworkInput || source[0] > source[1])) pick = 0;
        if (source[1] != kNetworkInput && (source[0] == kNetworkInput || source[1] > source[0])) pick = 1;
        if (pick < 0) continue;
        ResidualAdd r;
        r.add = static_cast<uint32_t>(a);
        r.into = source[pick];
        r.shortcut = ins[a][1 - pick];
        // The shortcut must be computed before X runs.
        if (r.shortcut != kNetworkInput && r.shortcut > r.into) continue;
        taken[r.into] = true;
        out.push_back(r);
    }
    return out;
}

bool is_alias_op(const std::string& op) {
    return op == "flatten" || op == "reshape" || op == "identity" || op == "dropout" || op == "quantizelinear" ||
           op == "dequantizelinear";
}

std::vector<uint32_t> fused_add_into(const Workload& wl) {
    std::vector<uint32_t> into(wl.layers.size(), kNetworkInput);
    for (const ResidualAdd& r : residual_adds(wl)) {
        if (wl.layers[r.into].residual_add) into[r.add] = r.into;
    }
    return into;
}

void fuse_residual_adds(Workload& wl) {
    for (Layer& l : wl.layers) l.residual_add = false;
    for (const ResidualAdd& r : residual_adds(wl)) wl.layers[r.into].residual_add = true;
}

}  // namespace sasim
