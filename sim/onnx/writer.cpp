// SPDX-License-Identifier: MIT
// The imported network as our JSON layer trace (written by the workload library's to_json_trace, with
// each layer's ONNX op as its comment), and the summary `sasim import` prints.
#include <algorithm>

#include <fmt/format.h>

#include "onnx/mapping.h"
#include "onnx/onnx_import.h"

namespace sasim::onnx_import {

namespace {

// The layer's "type" and its comment: the ONNX op, the node when its name differs, how it was lowered.
TraceLayerText layer_text(const Layer& l, const LayerInfo& info) {
    std::string comment = "ONNX " + info.onnx_op;
    if (info.node != l.name) comment += info.node.empty() ? " (node without a name, named after its output)" : " node '" + info.node + "'";
    if (!info.note.empty()) comment += "; " + info.note;
    return {info.type, comment};
}

// "Relu x49, Add x16" in order of first appearance.
std::string counted(const std::vector<std::string>& items) {
    std::vector<std::pair<std::string, size_t>> counts;
    for (const std::string& s : items) {
        auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == s; });
        if (it == counts.end()) {
            counts.emplace_back(s, 1);
        } else {
            ++it->second;
        }
    }
    std::string out;
    for (const auto& [name, n] : counts) out += fmt::format("{}{} x{}", out.empty() ? "" : ", ", name, n);
    return out.empty() ? "none" : out;
}

std::string with_commas(uint64_t v) {
    std::string digits = std::to_string(v), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? "none" : out;
}

}  // namespace

std::string to_json_trace(const Imported& im) {
    const std::string comment = fmt::format(
        "Imported by sasim import (docs/onnx.md). Input shapes: {}. Layer names are the ONNX node names; each "
        "layer's comment gives its ONNX op. Folded as constants (computed from weights, not listed): {}.",
        join(im.inputs), counted(im.folded));
    std::vector<TraceLayerText> text;
    for (size_t i = 0; i < im.workload.layers.size(); ++i) {
        text.push_back(layer_text(im.workload.layers[i], im.info[i]));
    }
    return sasim::to_json_trace(im.workload, comment, text);
}

std::string summary(const Imported& im) {
    size_t conv = 0, gemm = 0, matmul = 0;
    std::vector<std::string> other_ops;
    for (size_t i = 0; i < im.workload.layers.size(); ++i) {
        const Layer& l = im.workload.layers[i];
        if (l.kind == LayerKind::Conv) {
            ++conv;
        } else if (l.kind == LayerKind::Gemm) {
            ++(im.info[i].type == "matmul" ? matmul : gemm);
        } else if (l.op != detail::other_type(im.info[i].onnx_op)) {
            // A part of a lowered node (ConvTranspose's col2im, LSTM's gates): named as the part, since the
            // node's matrix products are simulated.
            other_ops.push_back(fmt::format("{} (of {})", l.op, im.info[i].onnx_op));
        } else {
            other_ops.push_back(im.info[i].onnx_op);
        }
    }
    std::string out = fmt::format("{}: {}\n", im.workload.path, im.producer);
    out += fmt::format("  inputs: {}\n", join(im.inputs));
    out += fmt::format("  {} layers: {} conv, {} gemm, {} matmul ({} MACs), {} not simulated\n",
                       im.workload.layers.size(), conv, gemm, matmul, with_commas(total_macs(im.workload)),
                       other_ops.size());
    out += fmt::format("  not simulated (listed with their output elements): {}\n", counted(other_ops));
    out += fmt::format("  folded as constants (not listed): {}\n", counted(im.folded));
    for (const std::string& w : im.warnings) out += "  warning: " + w + "\n";
    return out;
}

}  // namespace sasim::onnx_import
