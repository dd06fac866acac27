// SPDX-License-Identifier: MIT
// import_model: read the graph, fold constants, map every other node to layers, keep node names unique,
// check every layer against the simulator's limits. Also the .onnx loader and --input-shape parsing.
#include <algorithm>
#include <filesystem>
#include <unordered_set>

#include <fmt/format.h>

#include "common/errors.h"
#include "onnx/graph.h"
#include "onnx/mapping.h"
#include "onnx/onnx_import.h"

namespace sasim::onnx_import {

namespace {

std::string producer_text(const ::onnx::ModelProto& m) {
    std::string s = m.producer_name().empty() ? "unknown producer" : m.producer_name();
    if (!m.producer_version().empty()) s += " " + m.producer_version();
    s += fmt::format(", ir_version {}", m.ir_version());
    for (const auto& op : m.opset_import()) {
        s += detail::is_default_domain(op.domain()) ? fmt::format(", opset {}", op.version())
                                                    : fmt::format(", {} opset {}", op.domain(), op.version());
    }
    return detail::clean_text(s);
}

// Caps the lines of one error like the other workload readers: 100 lines and a count of the rest.
[[noreturn]] void throw_problems(const std::string& path, std::vector<std::string> lines) {
    constexpr size_t kMaxLines = 100;
    if (lines.size() > kMaxLines) {
        const size_t cut = lines.size() - kMaxLines;
        lines.resize(kMaxLines);
        lines.push_back(fmt::format("{}: ... and {} more problems not shown", path, cut));
    }
    throw InputError(std::move(lines));
}

}  // namespace

Imported import_model(const std::string& path, const ImportOptions& options) {
    detail::Graph graph = detail::read_graph(path, options);
    Imported result;
    result.inputs = graph.inputs;
    result.producer = producer_text(graph.model);
    std::string stem = std::filesystem::path(path).stem().string();
    result.workload.name = stem.empty() ? "onnx_model" : stem;
    result.workload.source = fmt::format("ONNX model {} ({})", std::filesystem::path(path).filename().string(),
                                         result.producer);
    result.workload.path = path;

    std::vector<std::string> problems;
    std::unordered_set<std::string> used;
    const auto& nodes = graph.graph().node();
    for (int i = 0; i < nodes.size(); ++i) {
        if (std::all_of(nodes[i].output().begin(), nodes[i].output().end(),
                        [&](const std::string& o) { return o.empty() || graph.is_constant(o); })) {
            result.folded.push_back(detail::op_name(nodes[i]));
            continue;
        }
        for (detail::MappedLayer& m : detail::map_node(graph, i, problems, result.warnings)) {
            // Layer names must be unique in a workload; a repeated node name gets _2, _3, ...
            std::string name = m.layer.name;
            for (int k = 2; used.count(name) != 0; ++k) name = fmt::format("{}_{}", m.layer.name, k);
            if (name != m.layer.name) {
                result.warnings.push_back(fmt::format("node {}: name already used by an earlier layer; "
                                                      "listed as '{}'",
                                                      detail::node_label(nodes[i], i), name));
                m.layer.name = name;
            }
            used.insert(name);
            for (const std::string& line : validate_layer(m.layer)) problems.push_back(line);
            result.workload.layers.push_back(m.layer);
            result.info.push_back(m.info);
        }
    }
    if (problems.empty() && result.workload.layers.empty()) {
        problems.push_back(fmt::format("{}: the graph has no operations to list ({} nodes, {} folded as "
                                       "constants)",
                                       path, nodes.size(), result.folded.size()));
    }
    if (!problems.empty()) throw_problems(path, std::move(problems));
    return result;
}

Workload load_onnx_workload(const std::string& path) {
    ImportOptions options;
    options.via_load_workload = true;
    return import_model(path, options).workload;
}

void register_loader() { register_workload_loader(".onnx", &load_onnx_workload); }

InputShape parse_input_shape(const std::string& spec) {
    const size_t colon = spec.rfind(':');
    const auto bad = [&](const std::string& what) {
        return InputError(fmt::format("--input-shape '{}': {} (expected NAME:D0xD1x..., e.g. input:1x3x224x224)",
                                      spec, what));
    };
    if (colon == std::string::npos || colon == 0) throw bad("no input name before ':'");
    InputShape s;
    s.name = spec.substr(0, colon);
    const std::string dims = spec.substr(colon + 1);
    if (dims.empty()) throw bad("no dimensions after ':'");
    size_t at = 0;
    while (at <= dims.size()) {
        const size_t x = std::min(dims.find('x', at), dims.size());
        const std::string d = dims.substr(at, x - at);
        if (d.empty() || d.size() > 9 || d.find_first_not_of("0123456789") != std::string::npos) {
            throw bad(fmt::format("'{}' is not a dimension (a whole number 1..{})", d, kMaxLayerDim));
        }
        const int64_t v = std::stoll(d);
        if (v < 1 || static_cast<uint64_t>(v) > kMaxLayerDim) {
            throw bad(fmt::format("dimension {} is outside 1..{}", v, kMaxLayerDim));
        }
        s.dims.push_back(v);
        at = x + 1;
    }
    return s;
}

}  // namespace sasim::onnx_import
