// SPDX-License-Identifier: MIT
// Reading an ONNX file: protobuf parsing with clear refusals, graph checks, topological order (cycles
// refused), --input-shape, and ONNX's own shape inference (with data propagation for shape subgraphs).
#include "onnx/graph.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <queue>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <onnx/shape_inference/implementation.h>

#include "common/errors.h"
#include "common/text.h"

namespace sasim::onnx_import::detail {

namespace fs = std::filesystem;

bool TensorShape::is_static() const {
    return known && std::all_of(dims.begin(), dims.end(), [](int64_t d) { return d >= 0; });
}

uint64_t TensorShape::elements() const {
    uint64_t n = 1;
    for (int64_t d : dims) {
        if (d < 0 || __builtin_mul_overflow(n, static_cast<uint64_t>(d), &n)) return UINT64_MAX;
    }
    return n;
}

std::string TensorShape::to_string() const {
    if (!known) return "unknown";
    std::string s = "[";
    for (size_t i = 0; i < dims.size(); ++i) {
        if (i) s += ", ";
        if (dims[i] >= 0) {
            s += std::to_string(dims[i]);
        } else {
            s += i < params.size() && !params[i].empty() ? params[i] : "?";
        }
    }
    return s + "]";
}

const TensorShape& Graph::shape(const std::string& tensor) const {
    static const TensorShape kUnknown;
    const auto it = shapes.find(tensor);
    return it == shapes.end() ? kUnknown : it->second;
}

bool is_default_domain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

std::string op_name(const ::onnx::NodeProto& node) {
    return is_default_domain(node.domain()) ? node.op_type() : node.domain() + ":" + node.op_type();
}

std::string clean_text(const std::string& raw) {
    std::string out;
    for (size_t i = 0; i < raw.size();) {
        const unsigned c = static_cast<unsigned char>(raw[i]);
        // A well-formed UTF-8 sequence, but no control characters (c < 0x20, DEL).
        const size_t len = c < 0x20 || c == 0x7f ? 0 : text::utf8_sequence_length(raw, i);
        out += len > 0 ? raw.substr(i, len) : "_";
        i += len > 0 ? len : 1;
    }
    return out;
}

std::string layer_name(const ::onnx::NodeProto& node, int index) {
    return clean_text(!node.name().empty() ? node.name()
                      : node.output_size() > 0 && !node.output(0).empty()
                          ? node.output(0)
                          : fmt::format("{}_{}", node.op_type(), index));
}

std::string node_label(const ::onnx::NodeProto& node, int index) {
    if (!node.name().empty()) return fmt::format("'{}' ({})", node.name(), op_name(node));
    const std::string out = node.output_size() > 0 ? fmt::format(", output '{}'", node.output(0)) : "";
    return fmt::format("#{} ({}{})", index, op_name(node), out);
}

namespace {

std::string read_file(const std::string& path) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) {
        throw InputError(fmt::format("{}: cannot open ONNX model: no such file or directory", path));
    }
    if (st.type() == fs::file_type::directory) {
        throw InputError(fmt::format("{}: is a directory, not an ONNX model file", path));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot read ONNX model: {}", path, std::strerror(errno)));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw InputError(fmt::format("{}: cannot read ONNX model: read error", path));
    return buf.str();
}

std::string first_bytes(const std::string& data) {
    std::string hex;
    for (size_t i = 0; i < std::min<size_t>(4, data.size()); ++i) {
        hex += fmt::format("{}{:02x}", i ? " " : "", static_cast<unsigned char>(data[i]));
    }
    return hex;
}

// A serialized ModelProto starts with field 1 (ir_version, varint): byte 0x08. Every ONNX writer emits
// fields in number order, so any other first byte means the file is something else.
void parse_model(const std::string& path, const std::string& data, ::onnx::ModelProto& model) {
    if (data.empty()) throw InputError(fmt::format("{}: empty file (0 bytes), not an ONNX model", path));
    if (data.size() > static_cast<size_t>(INT_MAX)) {
        throw InputError(fmt::format("{}: {} bytes is over protobuf's 2 GiB limit; save the model with its "
                                     "weights as ONNX external data",
                                     path, data.size()));
    }
    const bool onnx_start = static_cast<unsigned char>(data[0]) == 0x08;
    const bool parsed = model.ParseFromArray(data.data(), static_cast<int>(data.size()));
    if (!parsed && onnx_start) {
        throw InputError(fmt::format("{}: truncated or corrupt ONNX file: it starts like an ONNX model but "
                                     "protobuf parsing of its {} bytes failed",
                                     path, data.size()));
    }
    const bool text = std::all_of(data.begin(), data.begin() + std::min<size_t>(4, data.size()),
                                  [](char c) { return c >= 0x20 && c < 0x7f; });
    std::string what =
        text ? fmt::format("it starts with the text '{}'", data.substr(0, std::min<size_t>(8, data.size())))
             : fmt::format("it starts with bytes {}", first_bytes(data));
    if (data.compare(0, 4, "PK\x03\x04") == 0) what += " (a ZIP archive, such as a PyTorch checkpoint)";
    if (data.compare(0, 4, "\x89HDF") == 0) what += " (an HDF5 file, such as a Keras model)";
    if (!onnx_start) {
        throw InputError(fmt::format("{}: not an ONNX model: {}; an ONNX file is a binary protobuf ModelProto, "
                                     "starting with byte 08 (the ir_version field)",
                                     path, what));
    }
    if (model.ir_version() <= 0 || !model.has_graph()) {
        throw InputError(fmt::format("{}: not a complete ONNX model: the protobuf has no {} (truncated file?)",
                                     path, model.ir_version() <= 0 ? "ir_version" : "graph"));
    }
    if (model.ir_version() >= 3 && model.opset_import_size() == 0) {
        throw InputError(fmt::format("{}: truncated or corrupt ONNX file: no opset_import (required since "
                                     "ir_version 3; this file has ir_version {})",
                                     path, model.ir_version()));
    }
}

TensorShape shape_of(const ::onnx::TypeProto& type) {
    TensorShape s;
    if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return s;
    s.known = true;
    for (const auto& d : type.tensor_type().shape().dim()) {
        s.dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : -1);
        s.params.push_back(d.has_dim_param() ? d.dim_param() : "");
    }
    return s;
}

}  // namespace

// Kahn's algorithm, smallest original index first, so an already sorted graph keeps its order. Refuses
// a tensor with two producers, a read of a tensor nobody writes, and cycles (naming one).
std::vector<std::string> sort_nodes(const std::string& path, ::onnx::GraphProto& g) {
    std::vector<std::string> problems;
    std::unordered_set<std::string> available{""};  // "" is an omitted optional input
    for (const auto& in : g.input()) available.insert(in.name());
    for (const auto& init : g.initializer()) available.insert(init.name());
    for (const auto& init : g.sparse_initializer()) available.insert(init.values().name());
    const int n = g.node_size();
    std::unordered_map<std::string, int> producer;
    for (int i = 0; i < n; ++i) {
        for (const std::string& out : g.node(i).output()) {
            if (out.empty()) continue;
            if (available.count(out) != 0) {
                problems.push_back(fmt::format("{}: node {} writes '{}', which is a graph input or initializer",
                                               path, node_label(g.node(i), i), out));
            } else if (const auto [it, fresh] = producer.emplace(out, i); !fresh) {
                problems.push_back(fmt::format("{}: tensor '{}' is written by two nodes, {} and {}", path, out,
                                               node_label(g.node(it->second), it->second),
                                               node_label(g.node(i), i)));
            }
        }
    }
    std::vector<int> pending(n, 0);
    std::vector<std::vector<int>> users(n);
    for (int i = 0; i < n; ++i) {
        for (const std::string& in : g.node(i).input()) {
            if (available.count(in) != 0) continue;
            const auto it = producer.find(in);
            if (it == producer.end()) {
                problems.push_back(fmt::format("{}: node {} reads '{}', which no node writes and which is not a "
                                               "graph input or initializer",
                                               path, node_label(g.node(i), i), in));
                continue;
            }
            ++pending[i];
            users[it->second].push_back(i);
        }
    }
    if (!problems.empty()) return problems;
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (int i = 0; i < n; ++i) {
        if (pending[i] == 0) ready.push(i);
    }
    std::vector<int> order;
    while (!ready.empty()) {
        const int i = ready.top();
        ready.pop();
        order.push_back(i);
        for (int u : users[i]) {
            if (--pending[u] == 0) ready.push(u);
        }
    }
    if (static_cast<int>(order.size()) < n) {
        // Walk back from an unsorted node through unsorted producers until a node repeats: that is a cycle.
        int at = 0;
        while (pending[at] == 0) ++at;
        std::vector<int> walk;
        std::vector<int> seen_at(n, -1);
        while (seen_at[at] < 0) {
            seen_at[at] = static_cast<int>(walk.size());
            walk.push_back(at);
            for (const std::string& in : g.node(at).input()) {
                const auto it = producer.find(in);
                if (available.count(in) == 0 && it != producer.end() && pending[it->second] > 0) {
                    at = it->second;
                    break;
                }
            }
        }
        std::string cycle = node_label(g.node(at), at);
        for (size_t k = walk.size(); k-- > static_cast<size_t>(seen_at[at]);) {
            cycle += " -> " + node_label(g.node(walk[k]), walk[k]);
        }
        problems.push_back(fmt::format("{}: the graph has a cycle: {}", path, cycle));
        return problems;
    }
    google::protobuf::RepeatedPtrField<::onnx::NodeProto> sorted;
    for (int i : order) *sorted.Add() = g.node(i);
    g.mutable_node()->Swap(&sorted);
    return problems;
}

namespace {

std::string dims_text(const std::vector<int64_t>& dims) {
    if (dims.empty()) return "scalar";
    std::string s;
    for (int64_t d : dims) s += (s.empty() ? "" : "x") + std::to_string(d);
    return s;
}

// ONNX 1.12's inference functions dereference null on some malformed nodes that its schema check lets
// through (a Conv whose input has rank 2). So inference runs first in a child process (fork: a copy of
// the model, nothing shared); only when the child finishes cleanly does it run here. False when it died.
bool inference_survives(::onnx::ModelProto& model, const ::onnx::ShapeInferenceOptions& how) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) return true;  // no process to spare: run it here, as before
    if (pid == 0) {
        try {
            ::onnx::shape_inference::InferShapes(model, ::onnx::OpSchemaRegistry::Instance(), how);
        } catch (...) {
            // an exception is reported by the parent's own run
        }
        _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Applies --input-shape and requires a static shape on every graph input a node reads.
// `stale` is set when a given shape changes a dimension the model declared static: shapes stored for the
// old size (value_info, outputs) would then conflict with the new ones.
std::vector<std::string> set_input_shapes(const std::string& path, ::onnx::GraphProto& g,
                                          const ImportOptions& options, std::vector<std::string>& inputs,
                                          bool& stale) {
    std::vector<std::string> problems;
    std::unordered_set<std::string> initializers, consumed;
    for (const auto& init : g.initializer()) initializers.insert(init.name());
    for (const auto& node : g.node()) consumed.insert(node.input().begin(), node.input().end());
    std::vector<std::string> names;
    std::unordered_set<std::string> refused;  // inputs whose --input-shape was refused: no second message
    for (const auto& in : g.input()) {
        if (initializers.count(in.name()) == 0) names.push_back(in.name());
    }
    std::unordered_set<std::string> given_names;
    for (const InputShape& given : options.input_shapes) {
        if (!given_names.insert(given.name).second) {
            problems.push_back(fmt::format("{}: --input-shape {}: given more than once", path, given.name));
            continue;
        }
        auto in = std::find_if(g.mutable_input()->begin(), g.mutable_input()->end(),
                                [&](const ::onnx::ValueInfoProto& v) { return v.name() == given.name; });
        if (in == g.mutable_input()->end() || initializers.count(given.name) != 0) {
            std::string list;
            for (const auto& name : names) list += (list.empty() ? "'" : ", '") + name + "'";
            problems.push_back(fmt::format("{}: --input-shape {}: the model has no graph input '{}' (inputs: {})",
                                           path, given.name, given.name, list.empty() ? "none" : list));
            continue;
        }
        const TensorShape declared = shape_of(in->type());
        if (!in->type().has_tensor_type()) {
            problems.push_back(fmt::format("{}: --input-shape {}: input '{}' is not a tensor", path, given.name,
                                           given.name));
            refused.insert(given.name);
            continue;
        }
        if (declared.known && declared.dims.size() != given.dims.size()) {
            problems.push_back(fmt::format("{}: --input-shape {}: {} dimensions given, the model declares {} {}",
                                           path, given.name, given.dims.size(), declared.dims.size(),
                                           declared.to_string()));
            refused.insert(given.name);
            continue;
        }
        for (size_t i = 0; declared.known && i < given.dims.size(); ++i) {
            stale = stale || (declared.dims[i] >= 0 && declared.dims[i] != given.dims[i]);
        }
        auto* shape = in->mutable_type()->mutable_tensor_type()->mutable_shape();
        shape->clear_dim();
        for (int64_t d : given.dims) shape->add_dim()->set_dim_value(d);
    }
    for (const auto& in : g.input()) {
        if (initializers.count(in.name()) != 0 || refused.count(in.name()) != 0) continue;
        const TensorShape s = shape_of(in.type());
        if (!in.type().has_tensor_type()) {
            // A sequence, map or optional: nothing to size. The ops reading it are listed (with 0 elements
            // when ONNX cannot infer their outputs); a conv or GEMM that depends on it is refused.
            inputs.push_back(fmt::format("{}=(not a tensor)", in.name()));
            continue;
        }
        if (s.is_static()) {
            inputs.push_back(fmt::format("{}={}", in.name(), dims_text(s.dims)));
            continue;
        }
        if (consumed.count(in.name()) == 0) continue;
        // `sasim run` has no --input-shape: point to `sasim import`, which writes a trace with the shapes.
        const std::string how = options.via_load_workload ? "sasim import --input-shape" : "--input-shape";
        const std::string then = options.via_load_workload ? " and run the JSON trace it writes" : "";
        if (!s.known) {
            problems.push_back(fmt::format("{}: input '{}' has no shape in the model: give it with {} "
                                           "{}:<d0>x<d1>x... (for example {}:1x3x224x224){}",
                                           path, in.name(), how, in.name(), in.name(), then));
            continue;
        }
        std::string tmpl, dynamic;
        for (size_t i = 0; i < s.dims.size(); ++i) {
            const bool dyn = s.dims[i] < 0;
            const std::string sym = !s.params[i].empty() ? s.params[i] : fmt::format("d{}", i);
            tmpl += (i ? "x" : "") + (dyn ? "<" + sym + ">" : std::to_string(s.dims[i]));
            if (dyn) dynamic += (dynamic.empty() ? "'" : ", '") + sym + "'";
        }
        const bool one = std::count(s.dims.begin(), s.dims.end(), -1) == 1;
        problems.push_back(fmt::format("{}: input '{}' {} has {} {}: give its shape with {} {}:{}{}", path,
                                       in.name(), s.to_string(), one ? "a dynamic dimension" : "dynamic dimensions",
                                       dynamic, how, in.name(), tmpl, then));
    }
    return problems;
}

// Tensors computed from constants only: the work is done once, when the model is loaded.
bool foldable(const ::onnx::NodeProto& node, const Graph& graph) {
    static const std::unordered_set<std::string> kRandom = {
        "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Bernoulli", "Multinomial"};
    if (!is_default_domain(node.domain()) || kRandom.count(node.op_type()) != 0) return false;
    for (const auto& attr : node.attribute()) {
        if (attr.has_g() || attr.graphs_size() > 0) return false;  // a subgraph may read outer tensors
    }
    if ((node.op_type() == "Shape" || node.op_type() == "Size") && node.input_size() == 1) {
        return graph.shape(node.input(0)).is_static();
    }
    return std::all_of(node.input().begin(), node.input().end(),
                       [&](const std::string& in) { return in.empty() || graph.is_constant(in); });
}

}  // namespace

Graph read_graph(const std::string& path, const ImportOptions& options) {
    Graph graph;
    graph.path = path;
    parse_model(path, read_file(path), graph.model);
    ::onnx::GraphProto& g = *graph.model.mutable_graph();
    for (const auto& op : graph.model.opset_import()) {
        if (is_default_domain(op.domain())) graph.opset = op.version();
    }
    std::vector<std::string> problems = sort_nodes(path, g);
    if (problems.empty()) problems = verify_nodes(graph);
    if (problems.empty()) problems = apply_input_values(graph, options);
    bool stale = false;
    if (problems.empty()) problems = set_input_shapes(path, g, options, graph.inputs, stale);
    if (!problems.empty()) throw InputError(problems);
    // Shapes stored in the model for other input shapes are dropped and inferred again.
    const auto drop_stored_shapes = [&g] {
        g.clear_value_info();
        for (auto& out : *g.mutable_output()) {
            if (out.type().has_tensor_type()) out.mutable_type()->mutable_tensor_type()->clear_shape();
        }
    };
    if (stale) drop_stored_shapes();

    // ONNX's inference stops at a node whose domain has no opset_import; declare such domains (version 1)
    // so that it only skips their nodes, as it does for any op it does not know.
    std::unordered_set<std::string> declared;
    for (const auto& op : graph.model.opset_import()) declared.insert(op.domain() == "ai.onnx" ? "" : op.domain());
    for (const auto& node : g.node()) {
        const std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
        if (declared.insert(domain).second) {
            auto* op = graph.model.add_opset_import();
            op->set_domain(domain);
            op->set_version(1);
        }
    }
    // error_mode 0: a node ONNX cannot infer leaves its outputs unknown instead of failing the model.
    const auto infer = [&graph] {
        const ::onnx::ShapeInferenceOptions how(false, 0, true);
        if (!inference_survives(graph.model, how)) {
            throw InputError(fmt::format(
                "{}: ONNX's shape inference crashes on this model: one of its nodes is malformed in a way ONNX "
                "1.12 does not check (for example a Conv or ConvTranspose whose input or weight has fewer than 3 "
                "dimensions); check it with onnx.checker.check_model(model, full_check=True)",
                graph.path));
        }
        ::onnx::shape_inference::InferShapes(graph.model, ::onnx::OpSchemaRegistry::Instance(), how);
    };
    // Runs `step`, turning an exception from ONNX into one InputError line (ours pass through as they are).
    const auto as_input_error = [&path](const char* when, const std::function<void()>& step) {
        try {
            step();
        } catch (const InputError&) {
            throw;
        } catch (const std::exception& e) {
            std::string what = e.what();
            std::replace(what.begin(), what.end(), '\n', ' ');
            throw InputError(fmt::format("{}: ONNX shape inference failed{}: {}", path, when, what));
        }
    };
    as_input_error("", [&] {
        try {
            infer();
        } catch (const InputError&) {
            throw;
        } catch (const std::exception&) {
            // Stored shapes that contradict --input-shape (e.g. a batch an exporter wrote as a number for a
            // symbolic input) fail the merge: drop them and infer once more.
            if (options.input_shapes.empty() || stale) throw;
            drop_stored_shapes();
            infer();
        }
    });
    fold_and_expand(graph, options, [&] { as_input_error(" after folding constants and control flow", infer); });

    for (const auto& init : g.initializer()) {
        TensorShape s;
        s.known = true;
        s.dims.assign(init.dims().begin(), init.dims().end());
        s.params.assign(s.dims.size(), "");
        graph.shapes[init.name()] = s;
        graph.constants.insert(init.name());
    }
    for (const auto& init : g.sparse_initializer()) graph.constants.insert(init.values().name());
    for (const auto* list : {&g.input(), &g.value_info(), &g.output()}) {
        for (const auto& v : *list) {
            const TensorShape s = shape_of(v.type());
            if (s.known && graph.constants.count(v.name()) == 0) graph.shapes[v.name()] = s;
        }
    }
    for (int i = 0; i < g.node_size(); ++i) {
        const auto& node = g.node(i);
        const bool fold = foldable(node, graph);
        for (const std::string& out : node.output()) {
            if (out.empty()) continue;
            graph.producer[out] = i;
            if (fold) graph.constants.insert(out);
        }
    }
    return graph;
}

}  // namespace sasim::onnx_import::detail
