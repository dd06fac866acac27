// SPDX-License-Identifier: MIT
// ONNX LSTM, GRU and RNN -> GEMM layers: per direction, the input projection of all steps at once and one
// recurrent product per step (each step needs the previous step's hidden state, so the steps are separate
// layers in the order they run), then one Other layer for the gate math (docs/onnx.md, "LSTM, GRU, RNN").
#include "onnx/recurrent.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>

namespace sasim::onnx_import::detail {

namespace {

// Step layers of one node (all directions). A longer sequence is refused rather than listed as millions of
// tiny layers.
constexpr int64_t kMaxStepLayers = 100000;

int64_t default_opset(const Graph& g) {
    for (const auto& op : g.model.opset_import()) {
        if (is_default_domain(op.domain())) return op.version();
    }
    return 0;
}

// The values of sequence_lens, when the importer knows them: today an initializer's int32 values. The one
// place the lengths are looked up, so that constants computed at import (folded nodes) can be read here
// too. Returns nullopt when the values are not known at import (`why` says why); sets `problem` when the
// tensor is an initializer that cannot hold lengths.
std::optional<std::vector<int64_t>> known_lengths(const Graph& g, const std::string& tensor, std::string& why,
                                                  std::string& problem) {
    const ::onnx::TensorProto* init = nullptr;
    for (const auto& t : g.graph().initializer()) {
        if (t.name() == tensor) init = &t;
    }
    if (init == nullptr) {
        // Lengths computed from constants, or from an input fixed by --input-value, were folded into
        // initializers before mapping (prepare.cpp), so what is left depends on data.
        why = g.producer.count(tensor) != 0 ? "it is computed from data by a node"
                                            : fmt::format("it is a graph input; fix it with --input-value {}=...", tensor);
        return std::nullopt;
    }
    if (init->data_location() == ::onnx::TensorProto::EXTERNAL) {
        why = "it is stored as external data";
        return std::nullopt;
    }
    if (init->data_type() != ::onnx::TensorProto::INT32) {
        const int type = init->data_type();
        problem = fmt::format("sequence_lens '{}' has data type {}, not int32", tensor,
                              ::onnx::TensorProto_DataType_IsValid(type)
                                  ? ::onnx::TensorProto_DataType_Name(static_cast<::onnx::TensorProto_DataType>(type))
                                  : std::to_string(type));
        return std::nullopt;
    }
    uint64_t count = 1;  // the caller has checked the shape [batch]; this guards the reading only
    for (int64_t d : init->dims()) {
        if (d < 0 || __builtin_mul_overflow(count, static_cast<uint64_t>(d), &count)) count = UINT64_MAX;
    }
    const std::string& raw = init->raw_data();
    const bool fits = raw.empty() ? static_cast<uint64_t>(init->int32_data_size()) == count
                                  : raw.size() % 4 == 0 && raw.size() / 4 == count;
    if (!fits) {
        problem = fmt::format("sequence_lens '{}' has {} for its {} elements", tensor,
                              raw.empty() ? fmt::format("{} int32_data values", init->int32_data_size())
                                          : fmt::format("{} bytes of raw_data", raw.size()),
                              count);
        return std::nullopt;
    }
    if (raw.empty()) return std::vector<int64_t>(init->int32_data().begin(), init->int32_data().end());
    std::vector<int64_t> values;
    for (size_t i = 0; i + 4 <= raw.size(); i += 4) {  // little-endian, as ONNX stores raw_data
        const auto* b = reinterpret_cast<const unsigned char*>(raw.data() + i);
        values.push_back(static_cast<int32_t>(uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 |
                                              uint32_t{b[3]} << 24));
    }
    return values;
}

// Checks an optional input's shape when it is given and static (it does not size any layer).
void check_optional(Node& c, int i, const char* role, const Dims& want) {
    if (i >= c.n.input_size() || c.n.input(i).empty()) return;
    const TensorShape& s = c.g.shape(c.n.input(i));
    if (s.is_static() && s.dims != want) {
        c.fail(fmt::format("input {} '{}' is {}, expected {}", role, c.n.input(i), s.to_string(), dims_str(want)));
    }
}

// Checks output `i` against ONNX's inferred shape, when that is static.
void check_output(Node& c, int i, const char* role, const Dims& want) {
    if (i >= c.n.output_size() || c.n.output(i).empty()) return;
    const TensorShape& s = c.g.shape(c.n.output(i));
    if (s.is_static() && s.dims != want) {
        c.fail(fmt::format("computed output {} {} but ONNX shape inference gives {}", role, dims_str(want),
                           s.to_string()));
    }
}

}  // namespace

void map_recurrent(Node& c, std::vector<MappedLayer>& out, std::vector<std::string>& warnings) {
    const std::string& op = c.n.op_type();
    const int64_t gates = op == "LSTM" ? 4 : op == "GRU" ? 3 : 1;
    const auto x = c.input(0, "X");
    const auto w = c.input(1, "W");
    const auto r = c.input(2, "R");
    if (!x || !w || !r) return;
    if (x->size() != 3 || w->size() != 3 || r->size() != 3) {
        return c.fail(fmt::format("X {}, W {} and R {} must all be 3-D", dims_str(*x), dims_str(*w), dims_str(*r)));
    }
    const int64_t layout = c.int_attr("layout", 0);
    if (layout != 0 && layout != 1) return c.fail(fmt::format("attribute layout = {} is not 0 or 1", layout));
    if (layout == 1 && default_opset(c.g) < 14) {
        return c.fail(fmt::format("attribute layout = 1 needs opset 14; the model imports opset {}",
                                  default_opset(c.g)));
    }
    const std::string direction = c.str_attr("direction", "forward");
    if (direction != "forward" && direction != "reverse" && direction != "bidirectional") {
        return c.fail(fmt::format("attribute direction '{}' is not forward, reverse or bidirectional", direction));
    }
    const int64_t dirs = direction == "bidirectional" ? 2 : 1;
    // layout 0: X [seq, batch, input]; layout 1: X [batch, seq, input].
    const int64_t seq = (*x)[layout == 0 ? 0 : 1], batch = (*x)[layout == 0 ? 1 : 0], input = (*x)[2];
    const int64_t hidden = c.attr("hidden_size") != nullptr ? c.int_attr("hidden_size", 0) : (*r)[2];
    if (hidden < 1 || hidden > kMaxValue) {
        return c.fail(fmt::format("attribute hidden_size = {} is outside 1..{}", hidden, kMaxValue));
    }
    const Dims want_w = {dirs, gates * hidden, input}, want_r = {dirs, gates * hidden, hidden};
    if (*w != want_w || *r != want_r) {
        return c.fail(fmt::format("W {} and R {} do not fit X {} (layout {}), direction '{}' and hidden_size {}: "
                                  "{} wants W {} and R {}",
                                  dims_str(*w), dims_str(*r), dims_str(*x), layout, direction, hidden, op,
                                  dims_str(want_w), dims_str(want_r)));
    }
    const Dims state = layout == 0 ? Dims{dirs, batch, hidden} : Dims{batch, dirs, hidden};
    check_optional(c, 3, "B", {dirs, 2 * gates * hidden});
    check_optional(c, 4, "sequence_lens", {batch});
    check_optional(c, 5, "initial_h", state);
    if (op == "LSTM") {
        check_optional(c, 6, "initial_c", state);
        check_optional(c, 7, "P", {dirs, 3 * hidden});
    }
    check_output(c, 0, "Y", layout == 0 ? Dims{seq, dirs, batch, hidden} : Dims{batch, seq, dirs, hidden});
    check_output(c, 1, "Y_h", state);
    if (op == "LSTM") check_output(c, 2, "Y_c", state);
    c.dim(batch, "batch");
    c.dim(seq * batch, "m = seq*batch");  // each dim <= kMaxValue: no overflow
    const uint32_t n = c.dim(gates * hidden, fmt::format("n = {}*hidden_size", gates));
    const uint32_t k_in = c.dim(input, "k = input_size");
    const uint32_t k_h = c.dim(hidden, "k = hidden_size");
    if (dirs * seq > kMaxStepLayers) {
        c.fail(fmt::format("{} steps x {} directions would list {} recurrent layers, over {}", seq, dirs,
                           dirs * seq, kMaxStepLayers));
    }
    if (!c.ok) return;

    // lengths[b]: the steps sequence b runs; every sequence runs all steps unless sequence_lens is known.
    std::vector<int64_t> lengths(static_cast<size_t>(batch), seq);
    bool by_length = false;
    if (c.n.input_size() > 4 && !c.n.input(4).empty()) {
        std::string why, problem;
        const auto known = known_lengths(c.g, c.n.input(4), why, problem);
        if (!problem.empty()) return c.fail(problem);
        if (!known) {
            warnings.push_back(fmt::format("node {}: sequence_lens '{}' is not known at import ({}); every step "
                                           "is simulated with the full batch of {}",
                                           c.label, c.n.input(4), why, batch));
        } else if (known->size() != lengths.size()) {
            return c.fail(fmt::format("sequence_lens '{}' has {} values for batch {}", c.n.input(4), known->size(),
                                      batch));
        } else if (std::any_of(known->begin(), known->end(), [&](int64_t v) { return v < 0 || v > seq; })) {
            return c.fail(fmt::format("sequence_lens '{}' = {}: every length must be in 0..{} (the sequence "
                                      "length)", c.n.input(4), dims_str(*known), seq));
        } else {
            lengths = *known;
            by_length = true;
        }
    }
    int64_t rows = 0;  // sum of the lengths: the steps that run, over all sequences
    for (int64_t v : lengths) rows += v;

    // The lengths in the projection's note: all of them for a small batch, else their range.
    std::string lengths_text;
    if (by_length) {
        const auto [shortest, longest] = std::minmax_element(lengths.begin(), lengths.end());
        lengths_text = lengths.size() <= 16 ? fmt::format(" (sequence_lens {})", dims_str(lengths))
                                            : fmt::format(" (sequence_lens {}..{})", *shortest, *longest);
    }
    const auto gemm = [&](const std::string& name, uint32_t m, uint32_t k, const std::string& note) {
        MappedLayer l = make_layer(c, LayerKind::Gemm, "gemm", note);
        l.layer.name = c.name + "/" + name;
        l.layer.gemm.m = m;
        l.layer.gemm.n = n;
        l.layer.gemm.k = k;
        out.push_back(l);
    };
    for (int64_t d = 0; d < dirs; ++d) {
        const std::string dir = direction == "reverse" || d == 1 ? "reverse" : "forward";
        if (rows > 0) {
            // Padded steps (t >= length) need no projection: m counts only the steps that run.
            gemm(dir + "/input_proj", static_cast<uint32_t>(rows), k_in,
                 by_length ? fmt::format("{} {} input projection X x W^T of every step that runs at once: m = sum "
                                         "of sequence_lens = {} of {} x {} rows (padded steps need none){}",
                                         op, dir, rows, seq, batch, lengths_text)
                           : fmt::format("{} {} input projection X x W^T, {} (m = seq x batch = {} x {})", op,
                                         dir, seq == 1 ? "its one step" : fmt::format("all {} steps at once", seq),
                                         seq, batch));
        }
        for (int64_t j = 0; j < seq; ++j) {
            // The reverse direction runs each sequence from its last step (length-1) back to 0, so at its
            // j-th step, as in the forward direction, the sequences longer than j are still running.
            const auto running = std::count_if(lengths.begin(), lengths.end(), [&](int64_t v) { return v > j; });
            if (running == 0) break;  // no sequence is that long: later steps are skipped too
            const std::string time = dir == "forward" ? fmt::format("time index {}", j)
                                     : by_length      ? fmt::format("time index length-1-{} of each sequence", j)
                                                      : fmt::format("time index {}", seq - 1 - j);
            const std::string active =
                by_length && running < batch ? fmt::format(", {} of {} sequences still running", running, batch) : "";
            gemm(fmt::format("{}/step{}", dir, j), static_cast<uint32_t>(running), k_h,
                 fmt::format("{} {} recurrent product h x R^T, step {} of {} ({}){}", op, dir, j, seq, time, active));
        }
    }
    uint64_t elements = 1;  // Y's elements: seq * dirs * batch * hidden
    for (int64_t v : {seq, dirs, batch, hidden}) {
        if (__builtin_mul_overflow(elements, static_cast<uint64_t>(v), &elements)) elements = UINT64_MAX;
    }
    std::string type = op + "_gates";
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char ch) { return std::tolower(ch); });
    MappedLayer g = make_layer(c, LayerKind::Other, type,
                               fmt::format("{} gate math over Y's {} elements (seq {} x dirs {} x batch {} x hidden "
                                           "{}; sigmoid/tanh, bias, peepholes, elementwise products): not executed",
                                           op, elements, seq, dirs, batch, hidden));
    g.layer.name = c.name + "/gates";
    g.layer.elements = std::min<uint64_t>(elements, kMaxTensorElements);
    out.push_back(g);
}

}  // namespace sasim::onnx_import::detail
