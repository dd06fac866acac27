// SPDX-License-Identifier: MIT
// The import's fixpoint (docs/onnx.md, "Constants" and "Control flow"): evaluate small constants, replace
// them by initializers, inline If nodes and unroll loops, infer shapes again, until nothing changes.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include <onnx/defs/schema.h>

#include "common/errors.h"
#include "onnx/control_flow.h"
#include "onnx/graph.h"

namespace sasim::onnx_import::detail {

namespace {

// Far more rounds than a real model needs (each resolves at least one level of shape arithmetic or
// control flow); a bound so that a pathological model cannot loop.
constexpr int kMaxRounds = 200;

std::unordered_map<std::string, std::vector<int64_t>> static_shapes(const Graph& graph) {
    std::unordered_map<std::string, std::vector<int64_t>> shapes;
    const auto& g = graph.graph();
    for (const auto* list : {&g.input(), &g.value_info(), &g.output()}) {
        for (const auto& v : *list) {
            if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) continue;
            std::vector<int64_t> dims;
            bool ok = true;
            for (const auto& d : v.type().tensor_type().shape().dim()) {
                ok = ok && d.has_dim_value() && d.dim_value() >= 0;
                dims.push_back(d.dim_value());
            }
            if (ok) shapes[v.name()] = dims;
        }
    }
    for (const auto& t : g.initializer()) shapes[t.name()] = {t.dims().begin(), t.dims().end()};
    return shapes;
}

// Reads the values of small initializers not read yet.
void read_initializer_values(Graph& graph) {
    for (const auto& t : graph.graph().initializer()) {
        if (graph.values.count(t.name()) != 0) continue;
        uint64_t n = 1;
        for (int64_t d : t.dims()) n = d < 0 ? kMaxFoldElements + 1 : std::min<uint64_t>(n * static_cast<uint64_t>(d), kMaxFoldElements + 1);
        if (n > kMaxFoldElements) continue;
        if (auto v = read_tensor(t)) graph.values.emplace(t.name(), std::move(*v));
    }
}

// One pass in node order: every node of the standard domain whose value can be computed is replaced by
// initializers. Returns whether any was.
bool fold_values(Graph& graph, std::unordered_map<std::string, std::vector<int64_t>>& shapes) {
    ::onnx::GraphProto& g = *graph.model.mutable_graph();
    google::protobuf::RepeatedPtrField<::onnx::NodeProto> kept;
    std::vector<std::pair<std::string, const ConstValue*>> added;
    bool changed = false;
    for (int i = 0; i < g.node_size(); ++i) {
        const ::onnx::NodeProto& n = g.node(i);
        std::optional<std::vector<ConstValue>> result;
        const bool subgraph = std::any_of(n.attribute().begin(), n.attribute().end(),
                                          [](const auto& a) { return a.has_g() || a.graphs_size() > 0; });
        if (is_default_domain(n.domain()) && !subgraph && is_evaluated_op(n.op_type())) {
            std::vector<const ConstValue*> values;
            std::vector<const std::vector<int64_t>*> in_shapes;
            for (const auto& in : n.input()) {
                const auto v = graph.values.find(in);
                values.push_back(in.empty() || v == graph.values.end() ? nullptr : &v->second);
                const auto s = shapes.find(in);
                in_shapes.push_back(in.empty() || s == shapes.end() ? nullptr : &s->second);
            }
            try {
                result = evaluate(n, values, in_shapes, graph.opset);
            } catch (const std::logic_error& e) {  // invalid_argument, out_of_range: the node refuses its inputs
                const std::string w = fmt::format("node {}: not evaluated at import: {}", node_label(n, i), e.what());
                if (std::find(graph.warnings.begin(), graph.warnings.end(), w) == graph.warnings.end()) {
                    graph.warnings.push_back(w);  // once, although every round tries again
                }
            }
        }
        if (!result) {
            *kept.Add() = n;
            continue;
        }
        for (int k = 0; k < n.output_size(); ++k) {
            if (n.output(k).empty()) continue;
            ConstValue& v = (*result)[static_cast<size_t>(k)];
            shapes[n.output(k)] = v.dims;
            write_tensor(v, n.output(k), *g.add_initializer());
            graph.values[n.output(k)] = std::move(v);
        }
        graph.folded_ops.push_back(op_name(n));
        changed = true;
    }
    if (changed) {
        g.mutable_node()->Swap(&kept);
        // A shape inferred before the value was known (often without dims) would hide the initializer's.
        auto* info = g.mutable_value_info();
        info->erase(std::remove_if(info->begin(), info->end(),
                                   [&](const ::onnx::ValueInfoProto& v) { return graph.values.count(v.name()) != 0; }),
                    info->end());
    }
    return changed;
}

}  // namespace

namespace {

// Inputs whose value (not only shape) an op needs to infer its output shape.
std::vector<int> value_inputs(const ::onnx::NodeProto& n, int64_t opset) {
    const std::string& op = n.op_type();
    if (op == "Reshape" || op == "Expand" || op == "Tile" || op == "Pad" || op == "TopK" || op == "OneHot" ||
        op == "Upsample" || (opset >= 13 && (op == "Squeeze" || op == "Unsqueeze" || op == "ReduceSum")) ||
        (opset >= 18 && op.rfind("Reduce", 0) == 0)) {
        return {1};
    }
    if (op == "ConstantOfShape") return {0};
    if (op == "Range") return {0, 1, 2};
    if (op == "Slice") return {1, 2, 3, 4};
    if (op == "Resize") return {2, 3};
    return {};
}

}  // namespace

std::string Graph::unknown_shape_reason(const std::string& tensor) const {
    const auto label = [&](int i) { return node_label(graph().node(i), i); };
    const auto has_value = [&](const std::string& t) { return t.empty() || values.count(t) != 0; };
    // Follows a tensor without a value back to what makes it data-dependent.
    const auto value_blocker = [&](std::string t) -> std::string {
        for (int steps = 0; steps < 100000; ++steps) {
            const auto p = producer.find(t);
            if (p == producer.end()) {
                return fmt::format("graph input '{}', whose value is not known at import (fix it with --input-value "
                                   "{}=...)", t, t);
            }
            const auto& n = graph().node(p->second);
            if (!is_default_domain(n.domain()) || !is_evaluated_op(n.op_type())) {
                return fmt::format("node {}, whose output values are not computed at import", label(p->second));
            }
            if (n.op_type() == "Shape" || n.op_type() == "Size") {
                return fmt::format("node {}, whose input shape is not known", label(p->second));
            }
            const auto next = std::find_if(n.input().begin(), n.input().end(), [&](const std::string& in) { return !has_value(in); });
            if (next == n.input().end()) return fmt::format("node {}, which could not be evaluated", label(p->second));
            t = *next;
        }
        return "a chain too long to follow";
    };
    std::string t = tensor;
    for (int steps = 0; steps < 100000; ++steps) {
        const auto p = producer.find(t);
        if (p == producer.end()) return "";
        const auto& n = graph().node(p->second);
        const auto unknown = std::find_if(n.input().begin(), n.input().end(), [&](const std::string& in) {
            return !in.empty() && !shape(in).is_static() && !is_constant(in);
        });
        if (unknown != n.input().end()) {
            t = *unknown;
            continue;
        }
        if (!is_default_domain(n.domain())) {
            return fmt::format("; it is written by node {}, and ONNX shape inference does not know the '{}' domain "
                               "(store the shapes in the model's value_info)", label(p->second), n.domain());
        }
        for (int i : value_inputs(n, opset)) {
            if (i < n.input_size() && !has_value(n.input(i))) {
                return fmt::format("; it depends on node {}, whose input '{}' must be known at import to size its "
                                   "output; that value comes from {}",
                                   label(p->second), n.input(i), value_blocker(n.input(i)));
            }
        }
        return fmt::format("; it depends on node {}, whose output shape ONNX shape inference cannot infer from its "
                           "input shapes", label(p->second));
    }
    return "";
}

namespace {

void verify_graph(const Graph& graph, const ::onnx::GraphProto& g, const std::string& where,
                  std::vector<std::string>& problems) {
    for (int i = 0; i < g.node_size(); ++i) {
        const ::onnx::NodeProto& n = g.node(i);
        if (is_default_domain(n.domain())) {
            const auto* schema = ::onnx::OpSchemaRegistry::Schema(n.op_type(), static_cast<int>(graph.opset), "");
            if (schema != nullptr) {
                try {
                    schema->Verify(n);
                } catch (const std::exception& e) {
                    std::string what = e.what();
                    std::replace(what.begin(), what.end(), '\n', ' ');
                    problems.push_back(fmt::format("{}: node {}{}: does not match the ONNX specification of {} "
                                                   "(opset {}): {}",
                                                   graph.path, node_label(n, i), where, n.op_type(),
                                                   schema->SinceVersion(), clean_text(what)));
                }
            }
        }
        for (const auto& a : n.attribute()) {
            const std::string inner = fmt::format(" in the '{}' subgraph of {}", a.name(), node_label(n, i));
            if (a.has_g()) verify_graph(graph, a.g(), clean_text(inner) + where, problems);
            for (const auto& sub : a.graphs()) verify_graph(graph, sub, clean_text(inner) + where, problems);
        }
    }
}

}  // namespace

std::vector<std::string> verify_nodes(const Graph& graph) {
    std::vector<std::string> problems;
    verify_graph(graph, graph.graph(), "", problems);
    return problems;
}

std::vector<std::string> apply_input_values(Graph& graph, const ImportOptions& options) {
    std::vector<std::string> problems;
    ::onnx::GraphProto& g = *graph.model.mutable_graph();
    std::unordered_set<std::string> seen;
    for (const InputValue& given : options.input_values) {
        const auto bad = [&](const std::string& what) {
            problems.push_back(fmt::format("{}: --input-value {}: {}", graph.path, given.name, what));
        };
        if (!seen.insert(given.name).second) { bad("given more than once"); continue; }
        const auto in = std::find_if(g.input().begin(), g.input().end(),
                                     [&](const ::onnx::ValueInfoProto& v) { return v.name() == given.name; });
        const bool is_init = std::any_of(g.initializer().begin(), g.initializer().end(),
                                         [&](const ::onnx::TensorProto& t) { return t.name() == given.name; });
        if (in == g.input().end() || is_init) {
            std::string list;
            for (const auto& v : g.input()) list += (list.empty() ? "'" : ", '") + v.name() + "'";
            bad(fmt::format("the model has no graph input '{}' (inputs: {})", given.name, list.empty() ? "none" : list));
            continue;
        }
        if (!in->type().has_tensor_type()) { bad("the input is not a tensor"); continue; }
        ConstValue v;
        v.elem_type = in->type().tensor_type().elem_type();
        if (v.elem_type == 0) v.elem_type = ::onnx::TensorProto::INT64;
        if (given.values.size() != 1) v.dims = {static_cast<int64_t>(given.values.size())};
        if (in->type().tensor_type().has_shape()) {
            const auto& dims = in->type().tensor_type().shape().dim();
            const bool fits = dims.size() == static_cast<int>(v.dims.size()) ||
                              (dims.size() == 1 && given.values.size() == 1 && (!dims[0].has_dim_value() || dims[0].dim_value() == 1));
            if (!fits) {
                bad(fmt::format("{} value(s) given, but the input has rank {}", given.values.size(), dims.size()));
                continue;
            }
            if (dims.size() == 1) {
                v.dims = {static_cast<int64_t>(given.values.size())};
                if (dims[0].has_dim_value() && dims[0].dim_value() != v.dims[0]) {
                    bad(fmt::format("{} value(s) given, but the input is declared with {}", given.values.size(),
                                    dims[0].dim_value()));
                    continue;
                }
            }
        }
        ConstValue probe = v;
        bool ok = true;
        for (double x : given.values) {
            if (!probe.is_float() && (x != std::floor(x) || std::fabs(x) > 9.0e18)) ok = false;
            if (probe.elem_type == ::onnx::TensorProto::BOOL && x != 0 && x != 1) ok = false;
            if (probe.elem_type == ::onnx::TensorProto::UINT8 && (x < 0 || x > 255)) ok = false;
            if (probe.elem_type == ::onnx::TensorProto::INT8 && (x < -128 || x > 127)) ok = false;
            if (probe.elem_type == ::onnx::TensorProto::INT16 && (x < -32768 || x > 32767)) ok = false;
            if (probe.elem_type == ::onnx::TensorProto::INT32 && (x < -2147483648.0 || x > 2147483647.0)) ok = false;
            if (probe.is_float()) {
                v.floats.push_back(probe.elem_type == ::onnx::TensorProto::FLOAT ? static_cast<float>(x) : x);
            } else {
                v.ints.push_back(static_cast<int64_t>(x));
            }
        }
        if (!ok) {
            bad("a value given does not fit the input's element type (a whole number in its range; 0 or 1 for bool)");
            continue;
        }
        if (!probe.is_float() && probe.elem_type != ::onnx::TensorProto::INT64 && probe.elem_type != ::onnx::TensorProto::INT32 &&
            probe.elem_type != ::onnx::TensorProto::BOOL && probe.elem_type != ::onnx::TensorProto::INT16 &&
            probe.elem_type != ::onnx::TensorProto::INT8 && probe.elem_type != ::onnx::TensorProto::UINT8) {
            bad("only float, double, integer and bool inputs can be given a value");
            continue;
        }
        write_tensor(v, given.name, *g.add_initializer());
        graph.values[given.name] = v;
        std::string text;
        for (double x : given.values) text += (text.empty() ? "" : ",") + fmt::format("{}", x);
        graph.inputs.push_back(fmt::format("{}=value {}", given.name, text));
        auto* list = g.mutable_input();
        list->erase(list->begin() + (in - g.input().begin()));
    }
    return problems;
}

void fold_and_expand(Graph& graph, const ImportOptions& options, const std::function<void()>& infer) {
    std::unordered_set<std::string> if_options_used;
    for (int round = 0;; ++round) {
        if (round == kMaxRounds) {
            throw InputError(fmt::format("{}: folding constants and expanding control flow did not settle in {} "
                                         "rounds (more than {} Ifs in a chain?); the model is not imported",
                                         graph.path, kMaxRounds, kMaxRounds));
        }
        read_initializer_values(graph);
        auto shapes = static_shapes(graph);
        bool changed = fold_values(graph, shapes);
        std::vector<std::string> problems;
        FlowContext ctx{graph.path, options, graph.values, shapes, graph.opset, graph.warnings, problems,
                        if_options_used, graph.graph().node_size()};
        changed = expand_control_flow(*graph.model.mutable_graph(), ctx, false) || changed;
        if (!changed && problems.empty()) changed = expand_control_flow(*graph.model.mutable_graph(), ctx, true);
        if (!problems.empty()) throw InputError(problems);
        if (!changed) break;
        problems = sort_nodes(graph.path, *graph.model.mutable_graph());
        if (!problems.empty()) throw InputError(problems);
        infer();
    }
    std::vector<std::string> problems;
    {
        read_initializer_values(graph);
        const auto shapes = static_shapes(graph);
        FlowContext ctx{graph.path, options, graph.values, shapes, graph.opset, graph.warnings, problems,
                        if_options_used, graph.graph().node_size()};
        for (const auto& n : graph.graph().node()) {
            if (is_default_domain(n.domain()) && (n.op_type() == "Loop" || n.op_type() == "Scan") && n.output_size() > 0) {
                graph.not_expanded[n.output(0)] = "not unrolled: " + unroll_refusal(n, ctx);
            }
        }
    }
    for (const IfBranch& b : options.if_branches) {
        if (if_options_used.count(b.node) != 0) continue;
        problems.push_back(fmt::format("{}: --if-branch {}: no If node of that name was imported (an If inside a "
                                       "loop body is named after its iteration, e.g. 'loop/iter0/{}')",
                                       graph.path, b.node, b.node));
    }
    if (!problems.empty()) throw InputError(problems);
}

}  // namespace sasim::onnx_import::detail
