// SPDX-License-Identifier: MIT
// import_model: read the graph, fold constants, map every other node to layers, keep node names unique,
// check every layer against the simulator's limits. Also the .onnx loader and --input-shape parsing.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "common/errors.h"
#include "onnx/graph.h"
#include "onnx/mapping.h"
#include "onnx/onnx_import.h"
#include "workload/fusion.h"

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
    result.folded = graph.folded_ops;
    result.warnings = graph.warnings;
    result.producer = producer_text(graph.model);
    std::string stem = std::filesystem::path(path).stem().string();
    result.workload.name = stem.empty() ? "onnx_model" : stem;
    result.workload.source = fmt::format("ONNX model {} ({})", std::filesystem::path(path).filename().string(),
                                         result.producer);
    result.workload.path = path;

    std::vector<std::string> problems;
    std::unordered_set<std::string> used = {kNetworkInputName};  // reserved: "inputs" name the network's input so
    // Graph edges: the layer that produces each tensor (the last layer of its node).
    std::unordered_map<std::string, uint32_t> producer;
    const auto& nodes = graph.graph().node();
    for (int i = 0; i < nodes.size(); ++i) {
        if (std::all_of(nodes[i].output().begin(), nodes[i].output().end(),
                        [&](const std::string& o) { return o.empty() || graph.is_constant(o); })) {
            result.folded.push_back(detail::op_name(nodes[i]));
            continue;
        }
        // The node's first layer reads the layers producing its non-constant inputs (the network's input when
        // none does: a graph input); the node's further layers read the one before them.
        std::vector<uint32_t> node_inputs;
        for (const std::string& t : nodes[i].input()) {
            if (t.empty() || graph.is_constant(t)) continue;
            const auto it = producer.find(t);
            const uint32_t p = it == producer.end() ? kNetworkInput : it->second;
            if (std::find(node_inputs.begin(), node_inputs.end(), p) == node_inputs.end()) node_inputs.push_back(p);
        }
        if (node_inputs.empty()) node_inputs.push_back(kNetworkInput);
        const size_t first_layer = result.workload.layers.size();
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
            if (m.info.missing_products > 0) {
                result.missing.push_back(fmt::format("node {}: {}", detail::node_label(nodes[i], i), m.info.note));
                result.missing_macs += m.info.missing_macs;
                result.missing_unknown += m.info.missing_macs_known ? 0 : 1;
            }
            const size_t index = result.workload.layers.size();
            m.layer.inputs = index == first_layer ? node_inputs : std::vector<uint32_t>{static_cast<uint32_t>(index - 1)};
            result.workload.layers.push_back(m.layer);
            result.info.push_back(m.info);
        }
        if (result.workload.layers.size() > first_layer) {
            for (const std::string& t : nodes[i].output()) {
                if (!t.empty()) producer[t] = static_cast<uint32_t>(result.workload.layers.size() - 1);
            }
        }
    }
    if (problems.empty() && result.workload.layers.empty()) {
        // Everything folded (an If whose branches return constants): the outputs are constants the runtime
        // writes out. Each is listed, so the model imports and runs; a graph without outputs is refused.
        for (const auto& out : graph.graph().output()) {
            if (!graph.is_constant(out.name())) continue;
            Layer l;
            l.kind = LayerKind::Other;
            l.op = "constant";
            l.name = detail::clean_text(out.name());
            l.origin = fmt::format("{}: graph output '{}'", path, l.name);
            const detail::TensorShape& shape = graph.shape(out.name());
            l.elements = shape.is_static() ? std::min<uint64_t>(shape.elements(), kMaxTensorElements) : 0;
            if (used.count(l.name) != 0) continue;
            used.insert(l.name);
            result.workload.layers.push_back(l);
            result.info.push_back({"constant", "", "Constant",
                                   fmt::format("a constant output: computed at import ({} nodes folded)",
                                               result.folded.size())});
        }
    }
    if (problems.empty() && result.workload.layers.empty()) {
        problems.push_back(fmt::format("{}: the graph has no operations to list ({} nodes, {} folded as "
                                       "constants)",
                                       path, nodes.size(), result.folded.size()));
    }
    if (problems.empty() && !result.missing.empty()) {
        if (!options.allow_partial) {
            for (const std::string& m : result.missing) problems.push_back(fmt::format("{}: {}", path, m));
            problems.push_back(fmt::format("{}: {}; refused, since a run would miss those products: pass "
                                           "--allow-partial to import the rest anyway (docs/onnx.md, \"Partial "
                                           "imports\")",
                                           path, partial_text(result)));
        } else {
            for (const std::string& m : result.missing) result.warnings.push_back(m);
            result.warnings.push_back(partial_text(result));
            result.workload.source += " [partial import: " + partial_text(result) + "]";
        }
    }
    if (!problems.empty()) throw_problems(path, std::move(problems));
    fuse_residual_adds(result.workload);  // as load_workload does, for callers of the importer itself
    return result;
}

std::string partial_text(const Imported& im) {
    if (im.missing.empty()) return "";
    const uint64_t held = total_macs(im.workload);
    const std::string left = fmt::format("{} node(s) with matrix products left out", im.missing.size());
    if (im.missing_unknown > 0) {
        return fmt::format("partial import: {}, {} of unknown size: it holds {} MACs, and what fraction of the "
                           "model's that is cannot be known at import",
                           left, im.missing_unknown, fmt::group_digits(held));
    }
    const double total = static_cast<double>(held) + static_cast<double>(im.missing_macs);
    return fmt::format("partial import: {} ({} MACs): it holds {} of {} MACs ({:.1f} %)", left,
                       fmt::group_digits(im.missing_macs), fmt::group_digits(held),
                       fmt::group_digits(held + im.missing_macs), total > 0 ? 100.0 * static_cast<double>(held) / total : 0.0);
}

namespace {
ImportOptions& loader_options() {
    static ImportOptions options;
    return options;
}
}  // namespace

void set_loader_options(const ImportOptions& options) { loader_options() = options; }

Workload load_onnx_workload(const std::string& path) {
    ImportOptions options = loader_options();
    options.via_load_workload = true;
    Imported im = import_model(path, options);
    im.workload.warnings = im.warnings;
    return im.workload;
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

InputValue parse_input_value(const std::string& spec) {
    const size_t eq = spec.rfind('=');
    const auto bad = [&](const std::string& what) {
        return InputError(fmt::format("--input-value '{}': {} (expected NAME=V or NAME=V1,V2,..., e.g. sr=16000)",
                                      spec, what));
    };
    if (eq == std::string::npos || eq == 0) throw bad("no input name before '='");
    InputValue v;
    v.name = spec.substr(0, eq);
    const std::string list = spec.substr(eq + 1);
    size_t at = 0;
    while (at <= list.size()) {
        const size_t comma = std::min(list.find(',', at), list.size());
        const std::string x = list.substr(at, comma - at);
        size_t used = 0;
        double d = 0;
        try {
            d = std::stod(x, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (x.empty() || used != x.size() || !std::isfinite(d)) throw bad(fmt::format("'{}' is not a number", x));
        if (v.values.size() >= 4096) throw bad("more than 4096 values");
        v.values.push_back(d);
        at = comma + 1;
    }
    return v;
}

IfBranch parse_if_branch(const std::string& spec) {
    const size_t eq = spec.rfind('=');
    const std::string which = eq == std::string::npos ? "" : spec.substr(eq + 1);
    if (eq == std::string::npos || eq == 0 || (which != "then" && which != "else")) {
        throw InputError(fmt::format("--if-branch '{}': expected NODE=then or NODE=else", spec));
    }
    return {spec.substr(0, eq), which == "then"};
}

}  // namespace sasim::onnx_import
