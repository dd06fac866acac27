// SPDX-License-Identifier: MIT
// If inlining and Loop/Scan unrolling (control_flow.h, docs/onnx.md "Control flow").
#include "onnx/control_flow.h"

#include <algorithm>

#include <fmt/format.h>

#include "onnx/graph.h"
#include "onnx/mapping.h"

namespace sasim::onnx_import::detail {

namespace {

using ::onnx::GraphProto;
using ::onnx::NodeProto;
using Nodes = google::protobuf::RepeatedPtrField<NodeProto>;
using Rename = std::unordered_map<std::string, std::string>;

const ::onnx::AttributeProto* graph_attr(const NodeProto& n, const char* name) {
    for (const auto& a : n.attribute()) {
        if (a.name() == name && a.has_g()) return &a;
    }
    return nullptr;
}

int64_t int_attr(const NodeProto& n, const char* name, int64_t def) {
    for (const auto& a : n.attribute()) {
        if (a.name() == name) return a.i();
    }
    return def;
}

std::vector<int64_t> ints_attr(const NodeProto& n, const char* name, size_t size, int64_t def) {
    for (const auto& a : n.attribute()) {
        if (a.name() == name) return {a.ints().begin(), a.ints().end()};
    }
    return std::vector<int64_t>(size, def);
}

// Renames, in nested subgraphs, the references to tensors of the inlined body (ONNX forbids shadowing, so
// a name in `rename` always means the outer tensor).
void rename_nested(GraphProto& g, const Rename& rename) {
    for (auto& node : *g.mutable_node()) {
        for (auto& in : *node.mutable_input()) {
            if (const auto it = rename.find(in); it != rename.end()) in = it->second;
        }
        for (auto& a : *node.mutable_attribute()) {
            if (a.has_g()) rename_nested(*a.mutable_g(), rename);
            for (auto& sub : *a.mutable_graphs()) rename_nested(sub, rename);
        }
    }
    for (auto& out : *g.mutable_output()) {
        if (const auto it = rename.find(out.name()); it != rename.end()) out.set_name(it->second);
    }
}

// Inlines graphs into the main graph, keeping every name unique.
struct Inliner {
    GraphProto& main;
    std::unordered_set<std::string> names;       // every tensor name in use
    std::unordered_set<std::string> node_names;  // every node name in use (a separate namespace in ONNX)

    explicit Inliner(GraphProto& g) : main(g) {
        for (const auto& v : g.input()) names.insert(v.name());
        for (const auto& t : g.initializer()) names.insert(t.name());
        for (const auto& n : g.node()) {
            node_names.insert(n.name());
            names.insert(n.output().begin(), n.output().end());
        }
    }

    static std::string unique(std::unordered_set<std::string>& used, const std::string& want) {
        std::string name = want;
        for (int k = 2; used.count(name) != 0; ++k) name = fmt::format("{}_{}", want, k);
        used.insert(name);
        return name;
    }
    std::string fresh(const std::string& want) { return unique(names, want); }
    std::string fresh_node(const std::string& want) { return unique(node_names, want); }

    // Appends `body`'s nodes to `out` with `prefix` on the names it defines. `rename` holds the caller's
    // bindings (body inputs to outer tensors, body outputs to the node's outputs) and receives the rest.
    // Returns the main-graph name of each body output.
    std::vector<std::string> inline_body(const GraphProto& body, const std::string& prefix, Rename rename, Nodes& out) {
        std::unordered_set<std::string> bound;  // bound by the caller: not copied (shared initializers)
        for (const auto& [from, to] : rename) bound.insert(from);
        const auto define = [&](const std::string& name) {
            if (!name.empty() && rename.count(name) == 0) rename[name] = fresh(prefix + name);
        };
        for (const auto& v : body.input()) define(v.name());
        for (const auto& t : body.initializer()) define(t.name());
        for (const auto& n : body.node()) {
            for (const auto& o : n.output()) define(o);
        }
        for (const auto& t : body.initializer()) {
            if (bound.count(t.name()) != 0) continue;
            auto* copy = main.add_initializer();
            *copy = t;
            copy->set_name(rename.at(t.name()));
        }
        for (const auto& v : body.value_info()) {
            if (const auto it = rename.find(v.name()); it != rename.end()) {
                auto* copy = main.add_value_info();
                *copy = v;
                copy->set_name(it->second);
            }
        }
        for (int i = 0; i < body.node_size(); ++i) {
            NodeProto* n = out.Add();
            *n = body.node(i);
            for (auto& in : *n->mutable_input()) {
                if (const auto it = rename.find(in); it != rename.end()) in = it->second;
            }
            for (auto& o : *n->mutable_output()) {
                if (!o.empty()) o = rename.at(o);
            }
            for (auto& a : *n->mutable_attribute()) {
                if (a.has_g()) rename_nested(*a.mutable_g(), rename);
                for (auto& sub : *a.mutable_graphs()) rename_nested(sub, rename);
            }
            const std::string inner = !body.node(i).name().empty() ? body.node(i).name()
                                      : body.node(i).output_size() > 0 && !body.node(i).output(0).empty()
                                          ? body.node(i).output(0)
                                          : fmt::format("{}_{}", body.node(i).op_type(), i);
            n->set_name(fresh_node(prefix + inner));
        }
        std::vector<std::string> outputs;
        for (const auto& o : body.output()) {
            const auto it = rename.find(o.name());
            outputs.push_back(it != rename.end() ? it->second : o.name());  // an outer tensor passed through
        }
        return outputs;
    }

    // Body outputs that a body node writes, once each, are written straight into `targets`; the others
    // (outer tensors, initializers, inputs, repeats) get an Identity node after inlining.
    static Rename bind_outputs(const GraphProto& body, const std::vector<std::string>& targets, size_t first_output) {
        std::unordered_set<std::string> written;
        for (const auto& n : body.node()) written.insert(n.output().begin(), n.output().end());
        Rename r;
        for (size_t j = 0; j < targets.size(); ++j) {
            const std::string& b = body.output(static_cast<int>(first_output + j)).name();
            if (!targets[j].empty() && written.count(b) != 0 && r.count(b) == 0) r[b] = targets[j];
        }
        return r;
    }

    void identity(const std::string& from, const std::string& to, const std::string& name, Nodes& out) {
        NodeProto* n = out.Add();
        n->set_op_type("Identity");
        n->set_name(fresh_node(name));
        n->add_input(from);
        n->add_output(to);
    }

    // Stacks per-iteration tensors along `axis` into `target`: Unsqueeze each, then Concat.
    void stack(const std::vector<std::string>& parts, const std::string& target, int64_t axis, const std::string& prefix,
               int64_t opset, Nodes& out) {
        std::string axes_name;
        if (opset >= 13) {
            axes_name = fresh(prefix + "axes");
            auto* t = main.add_initializer();
            t->set_name(axes_name);
            t->set_data_type(::onnx::TensorProto::INT64);
            t->add_dims(1);
            t->add_int64_data(axis);
        }
        NodeProto concat;
        concat.set_op_type("Concat");
        concat.set_name(fresh_node(prefix + "concat"));
        auto* a = concat.add_attribute();
        a->set_name("axis");
        a->set_type(::onnx::AttributeProto::INT);
        a->set_i(axis);
        for (size_t i = 0; i < parts.size(); ++i) {
            NodeProto* u = out.Add();
            u->set_op_type("Unsqueeze");
            u->set_name(fresh_node(fmt::format("{}unsqueeze{}", prefix, i)));
            u->add_input(parts[i]);
            if (opset >= 13) {
                u->add_input(axes_name);
            } else {
                auto* ax = u->add_attribute();
                ax->set_name("axes");
                ax->set_type(::onnx::AttributeProto::INTS);
                ax->add_ints(axis);
            }
            const std::string piece = fresh(fmt::format("{}unsqueezed{}", prefix, i));
            u->add_output(piece);
            concat.add_input(piece);
        }
        concat.add_output(target);
        *out.Add() = concat;
    }

    // Copies `body`'s initializers into the main graph once, for every unrolled iteration to share.
    Rename share_initializers(const GraphProto& body, const std::string& prefix) {
        Rename shared;
        for (const auto& t : body.initializer()) {
            auto* copy = main.add_initializer();
            *copy = t;
            copy->set_name(fresh(prefix + t.name()));
            shared[t.name()] = copy->name();
        }
        return shared;
    }

    std::string scalar(const std::string& name, int32_t type, int64_t v) {
        const std::string n = fresh(name);
        auto* t = main.add_initializer();
        t->set_name(n);
        t->set_data_type(type);
        if (type == ::onnx::TensorProto::INT64) t->add_int64_data(v); else t->add_int32_data(static_cast<int32_t>(v));
        return n;
    }
};

// Nodes of `g` and of every graph nested in it.
int64_t nodes_within(const GraphProto& g) {
    int64_t n = g.node_size();
    for (const auto& node : g.node()) {
        for (const auto& a : node.attribute()) {
            if (a.has_g()) n += nodes_within(a.g());
            for (const auto& sub : a.graphs()) n += nodes_within(sub);
        }
    }
    return n;
}

// Why unrolling `trips` copies of `body` is refused by the limits ("" when it is not).
std::string over_limits(int64_t trips, const GraphProto& body, const FlowContext& ctx) {
    const int64_t per_trip = std::max<int64_t>(1, nodes_within(body));
    if (trips < 1 || trips > kMaxUnrollTrips ||
        (kMaxUnrolledNodes - ctx.graph_nodes) / per_trip < trips) {
        return fmt::format("its trip count {} is outside 1..{}, or the unrolled graph would exceed {} nodes "
                           "({} now, {} per iteration)",
                           trips, kMaxUnrollTrips, kMaxUnrolledNodes, ctx.graph_nodes, per_trip);
    }
    return "";
}

const ConstValue* value_of(const FlowContext& ctx, const std::string& tensor) {
    const auto it = ctx.values.find(tensor);
    return it == ctx.values.end() || it->second.size() != 1 ? nullptr : &it->second;
}

// The --if-branch choice for `node`: "then", "else" or "".
std::string branch_option(const NodeProto& node, int index, FlowContext& ctx) {
    for (const IfBranch& b : ctx.options.if_branches) {
        if (b.node == node.name() || b.node == layer_name(node, index)) {
            ctx.if_options_used.insert(b.node);
            return b.then_branch ? "then" : "else";
        }
    }
    return "";
}

// Inlines the If `node` (index `i`) into `out` when its condition is known, or when `guess` is set.
bool expand_if(const NodeProto& node, int i, Inliner& in, FlowContext& ctx, bool guess, Nodes& out) {
    const auto* then_g = graph_attr(node, "then_branch");
    const auto* else_g = graph_attr(node, "else_branch");
    if (then_g == nullptr || else_g == nullptr || node.input_size() < 1) return false;
    const ConstValue* cond = value_of(ctx, node.input(0));
    const std::string option = branch_option(node, i, ctx);
    std::string taken;
    if (cond != nullptr) {
        taken = cond->at(0) != 0 ? "then" : "else";
        if (!option.empty() && option != taken) {
            ctx.problems.push_back(fmt::format("{}: --if-branch {}={}: the condition of node {} is known at import "
                                               "({}), so the {} branch is taken",
                                               ctx.path, node.name().empty() ? layer_name(node, i) : node.name(),
                                               option, node_label(node, i), taken == "then" ? "true" : "false", taken));
            return false;
        }
    } else if (!guess) {
        return false;
    } else if (!option.empty()) {
        taken = option;
        ctx.warnings.push_back(fmt::format("node {}: condition not known at import; the {} branch is imported as "
                                           "--if-branch asks", node_label(node, i), taken));
    } else {
        const int then_ops = matrix_product_nodes(then_g->g()), else_ops = matrix_product_nodes(else_g->g());
        taken = else_ops > then_ops ? "else" : "then";
        const std::string other = taken == "then" ? "else" : "then";
        ctx.warnings.push_back(fmt::format(
            "node {}: condition '{}' is not known at import; imported the {} branch ({} matrix-product nodes; the "
            "{} branch has {}). Choose with --if-branch {}={}, or fix the input it depends on with --input-value",
            node_label(node, i), node.input(0), taken, std::max(then_ops, else_ops), other,
            std::min(then_ops, else_ops), node.name().empty() ? layer_name(node, i) : node.name(), other));
    }
    const GraphProto& body = (taken == "then" ? then_g : else_g)->g();
    if (body.output_size() != node.output_size()) {
        ctx.problems.push_back(fmt::format("{}: node {}: the {} branch has {} outputs, the node {}", ctx.path,
                                           node_label(node, i), taken, body.output_size(), node.output_size()));
        return false;
    }
    const std::vector<std::string> targets(node.output().begin(), node.output().end());
    const std::string prefix = layer_name(node, i) + "/" + taken + "/";
    const auto results = in.inline_body(body, prefix, Inliner::bind_outputs(body, targets, 0), out);
    for (size_t j = 0; j < targets.size(); ++j) {
        if (!targets[j].empty() && results[j] != targets[j]) {
            in.identity(results[j], targets[j], prefix + "output" + std::to_string(j), out);
        }
    }
    return true;
}

}  // namespace

std::string unroll_refusal(const NodeProto& node, FlowContext& ctx) {
    const auto* body = graph_attr(node, "body");
    if (body == nullptr) return "it has no body graph";
    const GraphProto& b = body->g();
    if (node.op_type() == "Scan") {
        if (ctx.opset < 9) return "Scan before opset 9 (with a batch axis) is not unrolled";
        const int64_t m = int_attr(node, "num_scan_inputs", 0);
        const int64_t states = node.input_size() - m;
        if (m < 1 || states < 0 || b.input_size() != node.input_size() || b.output_size() < states ||
            node.output_size() > b.output_size()) {
            return "its inputs and outputs do not match its body";
        }
        const auto it = ctx.shapes.find(node.input(static_cast<int>(states)));
        if (it == ctx.shapes.end()) return "the shape of its first scan input is not known, so its trip count is not";
        const auto axes = ints_attr(node, "scan_input_axes", static_cast<size_t>(m), 0);
        int64_t axis = axes.empty() ? 0 : axes[0];
        if (axis < 0) axis += static_cast<int64_t>(it->second.size());
        if (axis < 0 || axis >= static_cast<int64_t>(it->second.size())) return "its scan axis is outside the input's rank";
        return over_limits(it->second[static_cast<size_t>(axis)], b, ctx);
    }
    if (node.input_size() < 2 || node.input(0).empty()) {
        return "it has no maximum trip count (a while loop): its trip count is not known at import";
    }
    const ConstValue* trips = value_of(ctx, node.input(0));
    if (trips == nullptr) return fmt::format("its trip count '{}' is not known at import", node.input(0));
    if (!node.input(1).empty()) {
        const ConstValue* cond = value_of(ctx, node.input(1));
        if (cond == nullptr) return fmt::format("its initial condition '{}' is not known at import", node.input(1));
        if (cond->at(0) == 0) return "its initial condition is false (zero iterations)";
    }
    if (b.input_size() < 2 || b.output_size() < 1 || b.input_size() - 2 != node.input_size() - 2 ||
        b.output_size() - 1 < node.input_size() - 2) {
        return "its inputs and outputs do not match its body";
    }
    // The body's condition output must stay true: passed through, or a constant true.
    const std::string& cond_out = b.output(0).name();
    bool constant_true = cond_out == b.input(1).name();
    for (const auto& n : b.node()) {
        if (n.output_size() == 1 && n.output(0) == cond_out) {
            if (n.op_type() == "Identity" && n.input_size() == 1 && n.input(0) == b.input(1).name()) constant_true = true;
            if (n.op_type() == "Constant" && n.attribute_size() == 1 && n.attribute(0).has_t()) {
                const auto v = read_tensor(n.attribute(0).t());
                constant_true = v && v->size() == 1 && v->at(0) != 0;
            }
        }
    }
    for (const auto& t : b.initializer()) {
        if (t.name() == cond_out) {
            const auto v = read_tensor(t);
            constant_true = v && v->size() == 1 && v->at(0) != 0;
        }
    }
    if (!constant_true) {
        return "its body computes its condition (a loop that may stop early): its trip count is not known at import";
    }
    if (trips->is_float()) return "its trip count is not an integer";
    return over_limits(trips->ints[0], b, ctx);
}

namespace {

void unroll_loop(const NodeProto& node, int i, Inliner& in, FlowContext& ctx, Nodes& out) {
    const GraphProto& b = graph_attr(node, "body")->g();
    const int64_t trips = value_of(ctx, node.input(0))->ints[0];
    const int carried = node.input_size() - 2;
    const int scans = b.output_size() - 1 - carried;
    const std::string base = layer_name(node, i);
    const std::string cond_true = in.scalar(base + "/cond_true", ::onnx::TensorProto::BOOL, 1);
    std::vector<std::string> state(node.input().begin() + 2, node.input().end());
    std::vector<std::vector<std::string>> scan_parts(static_cast<size_t>(scans));
    const Rename shared = in.share_initializers(b, base + "/");
    for (int64_t t = 0; t < trips; ++t) {
        const std::string prefix = fmt::format("{}/iter{}/", base, t);
        const bool last = t + 1 == trips;
        Rename bind = shared;
        if (!b.input(0).name().empty()) {
            const int32_t type = b.input(0).type().tensor_type().elem_type();
            bind[b.input(0).name()] =
                in.scalar(prefix + "iteration_num", type == ::onnx::TensorProto::INT32 ? type : ::onnx::TensorProto::INT64, t);
        }
        if (!b.input(1).name().empty()) bind[b.input(1).name()] = cond_true;
        for (int j = 0; j < carried; ++j) {
            if (!b.input(2 + j).name().empty()) bind[b.input(2 + j).name()] = state[static_cast<size_t>(j)];
        }
        if (last) {
            std::vector<std::string> targets(1, "");
            for (int j = 0; j < carried; ++j) targets.push_back(j < node.output_size() ? node.output(j) : "");
            for (const auto& [from, to] : Inliner::bind_outputs(b, targets, 0)) {
                if (bind.count(from) == 0) bind[from] = to;
            }
        }
        const auto results = in.inline_body(b, prefix, bind, out);
        for (int j = 0; j < carried; ++j) state[static_cast<size_t>(j)] = results[static_cast<size_t>(1 + j)];
        for (int k = 0; k < scans; ++k) scan_parts[static_cast<size_t>(k)].push_back(results[static_cast<size_t>(1 + carried + k)]);
    }
    for (int j = 0; j < carried && j < node.output_size(); ++j) {
        if (!node.output(j).empty() && state[static_cast<size_t>(j)] != node.output(j)) {
            in.identity(state[static_cast<size_t>(j)], node.output(j), fmt::format("{}/state{}", base, j), out);
        }
    }
    for (int k = 0; k < scans && carried + k < node.output_size(); ++k) {
        const std::string& target = node.output(carried + k);
        if (!target.empty()) {
            in.stack(scan_parts[static_cast<size_t>(k)], target, 0, fmt::format("{}/scan_output{}/", base, k), ctx.opset, out);
        }
    }
}

void unroll_scan(const NodeProto& node, int i, Inliner& in, FlowContext& ctx, Nodes& out) {
    const GraphProto& b = graph_attr(node, "body")->g();
    const int64_t m = int_attr(node, "num_scan_inputs", 0);
    const int states = node.input_size() - static_cast<int>(m);
    const int scans_out = b.output_size() - states;
    const auto in_axes = ints_attr(node, "scan_input_axes", static_cast<size_t>(m), 0);
    const auto in_dirs = ints_attr(node, "scan_input_directions", static_cast<size_t>(m), 0);
    const auto out_axes = ints_attr(node, "scan_output_axes", static_cast<size_t>(scans_out), 0);
    const auto out_dirs = ints_attr(node, "scan_output_directions", static_cast<size_t>(scans_out), 0);
    const auto& first = ctx.shapes.at(node.input(states));
    int64_t axis0 = in_axes.empty() ? 0 : in_axes[0];
    if (axis0 < 0) axis0 += static_cast<int64_t>(first.size());
    const int64_t trips = first[static_cast<size_t>(axis0)];
    const std::string base = layer_name(node, i);
    std::vector<std::string> state(node.input().begin(), node.input().begin() + states);
    std::vector<std::vector<std::string>> parts(static_cast<size_t>(scans_out));
    const Rename shared = in.share_initializers(b, base + "/");
    for (int64_t t = 0; t < trips; ++t) {
        const std::string prefix = fmt::format("{}/iter{}/", base, t);
        Rename bind = shared;
        for (int j = 0; j < states; ++j) bind[b.input(j).name()] = state[static_cast<size_t>(j)];
        for (int j = 0; j < m; ++j) {  // the iteration's slice of scan input j: Gather at index t
            const size_t ju = static_cast<size_t>(j);
            const int64_t at = ju < in_dirs.size() && in_dirs[ju] != 0 ? trips - 1 - t : t;
            NodeProto* g = out.Add();
            g->set_op_type("Gather");
            g->set_name(in.fresh_node(fmt::format("{}slice{}", prefix, j)));
            g->add_input(node.input(states + j));
            g->add_input(in.scalar(fmt::format("{}index{}", prefix, j), ::onnx::TensorProto::INT64, at));
            auto* a = g->add_attribute();
            a->set_name("axis");
            a->set_type(::onnx::AttributeProto::INT);
            a->set_i(ju < in_axes.size() ? in_axes[ju] : 0);
            const std::string slice = in.fresh(fmt::format("{}scan_input{}", prefix, j));
            g->add_output(slice);
            bind[b.input(states + j).name()] = slice;
        }
        if (t + 1 == trips) {
            std::vector<std::string> targets;
            for (int j = 0; j < states; ++j) targets.push_back(j < node.output_size() ? node.output(j) : "");
            for (const auto& [from, to] : Inliner::bind_outputs(b, targets, 0)) {
                if (bind.count(from) == 0) bind[from] = to;
            }
        }
        const auto results = in.inline_body(b, prefix, bind, out);
        for (int j = 0; j < states; ++j) state[static_cast<size_t>(j)] = results[static_cast<size_t>(j)];
        for (int k = 0; k < scans_out; ++k) parts[static_cast<size_t>(k)].push_back(results[static_cast<size_t>(states + k)]);
    }
    for (int j = 0; j < states && j < node.output_size(); ++j) {
        if (!node.output(j).empty() && state[static_cast<size_t>(j)] != node.output(j)) {
            in.identity(state[static_cast<size_t>(j)], node.output(j), fmt::format("{}/state{}", base, j), out);
        }
    }
    for (int k = 0; k < scans_out && states + k < node.output_size(); ++k) {
        const size_t ku = static_cast<size_t>(k);
        auto& p = parts[ku];
        if (ku < out_dirs.size() && out_dirs[ku] != 0) std::reverse(p.begin(), p.end());
        const std::string& target = node.output(states + k);
        if (!target.empty()) {
            in.stack(p, target, ku < out_axes.size() ? out_axes[ku] : 0, fmt::format("{}/scan_output{}/", base, k),
                     ctx.opset, out);
        }
    }
}

}  // namespace

bool expand_control_flow(GraphProto& graph, FlowContext& ctx, bool guess_unknown_if) {
    Inliner in(graph);
    Nodes out;
    bool changed = false;
    // Guessing: every If whose condition does not depend on an If guessed in this pass (that one's taken
    // branch may make the condition known in the next round, so it waits).
    std::unordered_set<std::string> tainted;
    for (int i = 0; i < graph.node_size(); ++i) {
        const NodeProto& node = graph.node(i);
        const bool std_domain = is_default_domain(node.domain());
        const bool depends = std::any_of(node.input().begin(), node.input().end(),
                                         [&](const std::string& t) { return tainted.count(t) != 0; });
        bool done = false;
        if (std_domain && node.op_type() == "If" && !(guess_unknown_if && depends)) {
            done = expand_if(node, i, in, ctx, guess_unknown_if, out);
            if (done && guess_unknown_if) tainted.insert(node.output().begin(), node.output().end());
        } else if (std_domain && !guess_unknown_if && (node.op_type() == "Loop" || node.op_type() == "Scan") &&
                   unroll_refusal(node, ctx).empty()) {
            if (node.op_type() == "Loop") unroll_loop(node, i, in, ctx, out); else unroll_scan(node, i, in, ctx, out);
            done = true;
            ctx.graph_nodes = out.size() + (graph.node_size() - i - 1);  // the next unrolling sees this one
        }
        if (!done) *out.Add() = node;
        if (!done && depends) tainted.insert(node.output().begin(), node.output().end());
        changed = changed || done;
    }
    if (changed) graph.mutable_node()->Swap(&out);
    return changed;
}

}  // namespace sasim::onnx_import::detail
