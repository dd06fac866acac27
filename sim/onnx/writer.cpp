// SPDX-License-Identifier: MIT
// The imported network as our JSON layer trace (one layer per line, like workloads/*.json), and the
// summary `sasim import` prints.
#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "onnx/onnx_import.h"

namespace sasim::onnx_import {

namespace {

using ojson = nlohmann::ordered_json;

// Invalid UTF-8 in a node name becomes U+FFFD instead of an exception.
std::string dump(const ojson& j) { return j.dump(-1, ' ', false, ojson::error_handler_t::replace); }

// `v` when h == w, else [h, w].
ojson pair(uint32_t h, uint32_t w) { return h == w ? ojson(h) : ojson::array({h, w}); }

ojson layer_json(const Layer& l, const LayerInfo& info) {
    ojson j;
    j["name"] = l.name;
    j["type"] = info.type;
    if (l.kind == LayerKind::Conv) {
        const ConvShape& c = l.conv;
        if (c.batch != 1) j["batch"] = c.batch;
        j["in_h"] = c.in_h;
        j["in_w"] = c.in_w;
        j["in_c"] = c.in_c;
        j["out_c"] = c.out_c;
        j["kernel"] = pair(c.kernel_h, c.kernel_w);
        if (c.stride_h != 1 || c.stride_w != 1) j["stride"] = pair(c.stride_h, c.stride_w);
        if (c.pad_top == c.pad_bottom && c.pad_left == c.pad_right) {
            if (c.pad_top != 0 || c.pad_left != 0) j["padding"] = pair(c.pad_top, c.pad_left);
        } else {
            j["padding"] = ojson::array({c.pad_top, c.pad_bottom, c.pad_left, c.pad_right});
        }
        if (c.dilation_h != 1 || c.dilation_w != 1) j["dilation"] = pair(c.dilation_h, c.dilation_w);
        if (c.groups != 1) j["groups"] = c.groups;
    } else if (l.kind == LayerKind::Gemm) {
        if (l.gemm.batch != 1) j["batch"] = l.gemm.batch;
        j["m"] = l.gemm.m;
        j["n"] = l.gemm.n;
        j["k"] = l.gemm.k;
    } else {
        j["elements"] = l.elements;
    }
    std::string comment = "ONNX " + info.onnx_op;
    if (info.node != l.name) comment += info.node.empty() ? " (node without a name, named after its output)" : " node '" + info.node + "'";
    if (!info.note.empty()) comment += "; " + info.note;
    j["comment"] = comment;
    return j;
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
    std::ostringstream os;
    os << "{\n";
    os << "  \"name\": " << dump(im.workload.name) << ",\n";
    os << "  \"source\": " << dump(im.workload.source) << ",\n";
    os << "  \"comment\": " << dump(comment) << ",\n";
    os << "  \"layers\": [\n";
    for (size_t i = 0; i < im.workload.layers.size(); ++i) {
        const ojson j = layer_json(im.workload.layers[i], im.info[i]);
        std::string line;
        for (const auto& [key, value] : j.items()) {
            std::string v = dump(value);
            if (value.is_array()) {  // [1, 0] as in the hand-written traces, not [1,0]
                v.clear();
                for (const auto& e : value) v += (v.empty() ? "[" : ", ") + dump(e);
                v += "]";
            }
            line += fmt::format("{}{}: {}", line.empty() ? "" : ", ", dump(key), v);
        }
        os << "    {" << line << "}" << (i + 1 < im.workload.layers.size() ? ",\n" : "\n");
    }
    os << "  ]\n}\n";
    return os.str();
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
