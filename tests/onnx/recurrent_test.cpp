// SPDX-License-Identifier: MIT
// ONNX LSTM, GRU and RNN as GEMM layers (docs/onnx.md, "LSTM, GRU, RNN"): the input projection and one
// recurrent product per step, per direction, then the gates as an Other layer; layouts, directions,
// sequence_lens, refusals; and every recurrent model of Debian's libonnx-testdata, with its MACs computed
// here from the model's declared shapes and its Y / Y_h sizes from the reference outputs.
#include <algorithm>
#include <cctype>
#include <iterator>
#include <regex>

#include <catch2/catch.hpp>

#include "onnx_test_util.h"

using namespace sasim;
using namespace sasim::onnx_test;
using onnx_import::import_model;

namespace {

using Dims = std::vector<int64_t>;

// An int32 initializer, stored as int32_data or as little-endian raw_data.
void int32s(ModelBuilder& b, const std::string& name, const std::vector<int32_t>& values, bool raw) {
    auto* t = b.g().add_initializer();
    t->set_name(name);
    t->set_data_type(::onnx::TensorProto::INT32);
    t->add_dims(static_cast<int64_t>(values.size()));
    std::string bytes;
    for (int32_t v : values) {
        if (!raw) t->add_int32_data(v);
        for (int i = 0; i < 4; ++i) bytes += static_cast<char>((static_cast<uint32_t>(v) >> (8 * i)) & 0xff);
    }
    if (raw) t->set_raw_data(bytes);
}

// A model with one recurrent node `rnn` of `op`: X, W, R (weights), optional sequence_lens, outputs Y and Y_h.
struct Recurrent {
    std::string op = "LSTM";
    Dims x, w, r;
    int64_t hidden = -1;       // hidden_size attribute; -1 = absent
    std::string direction;     // "" = absent (forward)
    int64_t layout = -1;       // -1 = absent
    int opset = 17;
    // "" = no sequence_lens; "init" = an int32 initializer of `values`; "int64" = an int64 one; "input" = a
    // graph input
    std::string lens;
    std::vector<int32_t> values;
    bool raw = false;

    std::string save(const TempDir& t, const std::string& file = "rnn.onnx") const {
        ModelBuilder b(opset);
        b.input("x", x);
        b.weight("w", w);
        b.weight("r", r);
        if (lens == "init") int32s(b, "lens", values, raw);
        if (lens == "int64") b.int64s("lens", std::vector<int64_t>(values.begin(), values.end()));
        if (lens == "input") {
            b.input("lens", {x[layout == 1 ? 0 : 1]});
            b.g().mutable_input(1)->mutable_type()->mutable_tensor_type()->set_elem_type(::onnx::TensorProto::INT32);
        }
        auto& n = lens.empty() ? b.node(op, {"x", "w", "r"}, {"y", "y_h"}, "rnn")
                               : b.node(op, {"x", "w", "r", "", "lens"}, {"y", "y_h"}, "rnn");
        if (hidden >= 0) attr_int(n, "hidden_size", hidden);
        if (!direction.empty()) attr_str(n, "direction", direction);
        if (layout >= 0) attr_int(n, "layout", layout);
        b.output("y");
        b.output("y_h");
        return b.save(t, file);
    }
};

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

const Layer& layer(const onnx_import::Imported& im, const std::string& name) {
    const auto it = std::find_if(im.workload.layers.begin(), im.workload.layers.end(),
                                 [&](const Layer& l) { return l.name == name; });
    REQUIRE(it != im.workload.layers.end());
    return *it;
}

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return contains(l, part); });
}

std::vector<std::string> names(const onnx_import::Imported& im) {
    std::vector<std::string> out;
    for (const Layer& l : im.workload.layers) out.push_back(l.name);
    return out;
}

}  // namespace

TEST_CASE("onnx: LSTM forward is an input projection, one GEMM per step and the gates", "[onnx]") {
    TempDir t;
    Recurrent m;
    m.x = {5, 2, 3};  // seq 5, batch 2, input 3
    m.w = {1, 16, 3};
    m.r = {1, 16, 4};
    m.hidden = 4;
    const auto im = import_model(m.save(t));
    CHECK(names(im) == std::vector<std::string>{"rnn/forward/input_proj", "rnn/forward/step0", "rnn/forward/step1",
                                                "rnn/forward/step2", "rnn/forward/step3", "rnn/forward/step4",
                                                "rnn/gates"});
    const Layer& proj = layer(im, "rnn/forward/input_proj");
    CHECK((proj.kind == LayerKind::Gemm && proj.op == "gemm"));
    CHECK((proj.gemm.batch == 1 && proj.gemm.m == 10 && proj.gemm.k == 3 && proj.gemm.n == 16));
    const Layer& step = layer(im, "rnn/forward/step3");
    CHECK((step.gemm.m == 2 && step.gemm.k == 4 && step.gemm.n == 16));
    CHECK(total_macs(im.workload) == 10 * 3 * 16 + 5 * 2 * 4 * 16);
    const Layer& gates = im.workload.layers.back();
    CHECK(gates.kind == LayerKind::Other);
    CHECK(gates.op == "lstm_gates");
    CHECK(gates.elements == 5 * 1 * 2 * 4);
    CHECK(im.info[0].type == "gemm");
    CHECK(im.info[0].onnx_op == "LSTM");
    CHECK(contains(im.info[0].note, "LSTM forward input projection X x W^T, all 5 steps at once"));
    CHECK(contains(im.info[4].note, "LSTM forward recurrent product h x R^T, step 3 of 5 (time index 3)"));
    CHECK(contains(im.info[6].note, "not executed"));
    CHECK(im.warnings.empty());
    // The trace reads back with the same layers.
    const Workload back = load_workload(t.write("back.json", onnx_import::to_json_trace(im)));
    CHECK(back.layers.size() == 7);
    CHECK(total_macs(back) == total_macs(im.workload));
    const std::string summary = onnx_import::summary(im);
    CHECK(contains(summary, "6 gemm"));
    CHECK(contains(summary, "(1,120 MACs)"));
}

TEST_CASE("onnx: GRU reverse with layout 1, hidden_size taken from R", "[onnx]") {
    TempDir t;
    Recurrent m;
    m.op = "GRU";
    m.x = {2, 5, 3};  // layout 1: batch 2, seq 5, input 3
    m.w = {1, 9, 3};
    m.r = {1, 9, 3};
    m.direction = "reverse";
    m.layout = 1;
    const auto im = import_model(m.save(t));
    REQUIRE(im.workload.layers.size() == 7);
    CHECK(im.workload.layers[0].name == "rnn/reverse/input_proj");
    CHECK(im.workload.layers[0].gemm.m == 10);
    CHECK(im.workload.layers[1].name == "rnn/reverse/step0");
    CHECK(contains(im.info[1].note, "GRU reverse recurrent product h x R^T, step 0 of 5 (time index 4)"));
    CHECK((im.workload.layers[5].gemm.m == 2 && im.workload.layers[5].gemm.n == 9 && im.workload.layers[5].gemm.k == 3));
    CHECK(im.workload.layers[6].op == "gru_gates");
    CHECK(im.workload.layers[6].elements == 2 * 5 * 3);
    CHECK(total_macs(im.workload) == 10 * 3 * 9 + 10 * 3 * 9);

    m.opset = 13;  // layout is an opset-14 attribute: refused by the check against ONNX's schema of GRU-7
    const auto e = import_errors(m.save(t, "old.onnx"));
    REQUIRE(!e.empty());
    CHECK(any_contains(e, "node 'rnn' (GRU): does not match the ONNX specification of GRU (opset 7): "
                          "Unrecognized attribute: layout for operator GRU"));
}

TEST_CASE("onnx: bidirectional RNN runs the forward, then the reverse direction", "[onnx]") {
    TempDir t;
    Recurrent m;
    m.op = "RNN";
    m.x = {4, 3, 2};
    m.w = {2, 5, 2};
    m.r = {2, 5, 5};
    m.hidden = 5;
    m.direction = "bidirectional";
    const auto im = import_model(m.save(t));
    REQUIRE(im.workload.layers.size() == 11);
    CHECK(im.workload.layers[0].name == "rnn/forward/input_proj");
    CHECK(im.workload.layers[4].name == "rnn/forward/step3");
    CHECK(im.workload.layers[5].name == "rnn/reverse/input_proj");
    CHECK(im.workload.layers[9].name == "rnn/reverse/step3");
    CHECK(contains(im.info[9].note, "time index 0"));
    CHECK(im.workload.layers[10].op == "rnn_gates");
    CHECK(im.workload.layers[10].elements == 4 * 2 * 3 * 5);
    CHECK(total_macs(im.workload) == 2 * (12 * 2 * 5 + 12 * 5 * 5));
}

TEST_CASE("onnx: recurrent sequence_lens as an initializer, as a graph input", "[onnx]") {
    TempDir t;
    for (const bool raw : {false, true}) {
        INFO((raw ? "raw_data" : "int32_data"));
        Recurrent m;
        m.x = {4, 3, 2};  // seq 4, batch 3
        m.w = {2, 8, 2};
        m.r = {2, 8, 2};
        m.direction = "bidirectional";
        m.lens = "init";
        m.values = {4, 2, 1};
        m.raw = raw;
        const auto im = import_model(m.save(t));
        // Per direction: the projection of the 7 steps that run, then steps with 3, 2, 1, 1 sequences.
        REQUIRE(im.workload.layers.size() == 11);
        CHECK(im.workload.layers[0].gemm.m == 7);
        CHECK(contains(im.info[0].note, "m = sum of sequence_lens = 7 of 4 x 3 rows (padded steps need none)"));
        for (int d = 0; d < 2; ++d) {
            const std::vector<uint32_t> want = {3, 2, 1, 1};
            for (size_t j = 0; j < want.size(); ++j) CHECK(im.workload.layers[d * 5 + 1 + j].gemm.m == want[j]);
        }
        CHECK(contains(im.info[0].note, "(sequence_lens [4, 2, 1])"));
        CHECK(contains(im.info[7].note, "step 1 of 4 (time index length-1-1 of each sequence), 2 of 3 sequences "
                                        "still running"));
        CHECK(im.workload.layers[10].elements == 4 * 2 * 3 * 2);  // Y keeps its padded size
        CHECK(total_macs(im.workload) == 2 * (7 * 2 * 8 + 7 * 2 * 8));
        CHECK(im.warnings.empty());
    }

    // Steps no sequence reaches are left out; all lengths 0 leaves only the gates.
    Recurrent s;
    s.op = "RNN";
    s.x = {6, 2, 3};
    s.w = {1, 4, 3};
    s.r = {1, 4, 4};
    s.lens = "init";
    s.values = {2, 1};
    auto im = import_model(s.save(t, "short.onnx"));
    CHECK(names(im) == std::vector<std::string>{"rnn/forward/input_proj", "rnn/forward/step0", "rnn/forward/step1",
                                                "rnn/gates"});
    CHECK(total_macs(im.workload) == 3 * 3 * 4 + 3 * 4 * 4);
    s.values = {0, 0};
    im = import_model(s.save(t, "empty.onnx"));
    CHECK(names(im) == std::vector<std::string>{"rnn/gates"});

    // Not known at import: every step with the full batch, and a warning.
    s.lens = "input";
    im = import_model(s.save(t, "input.onnx"));
    CHECK(im.workload.layers.size() == 8);
    CHECK(total_macs(im.workload) == 12 * 3 * 4 + 12 * 4 * 4);
    REQUIRE(im.warnings.size() == 1);
    CHECK(contains(im.warnings[0], "node 'rnn' (RNN): sequence_lens 'lens' is not known at import (it is a graph "
                                   "input; fix it with --input-value lens=...); every step is simulated with the full batch of 2"));
    onnx_import::ImportOptions fixed;  // ... and when the input is fixed, the lengths are used
    fixed.input_values = {onnx_import::parse_input_value("lens=6,3")};
    im = import_model((t.dir / "input.onnx").string(), fixed);
    CHECK(im.warnings.empty());
    CHECK(total_macs(im.workload) < 12 * 3 * 4 + 12 * 4 * 4);

    // Lengths that do not fit are refused.
    s.lens = "init";
    s.values = {7, 1};
    auto e = import_errors(s.save(t, "long.onnx"));
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "node 'rnn' (RNN): sequence_lens 'lens' = [7, 1]: every length must be in 0..6"));
    s.values = {1, 1, 1};
    e = import_errors(s.save(t, "count.onnx"));
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "node 'rnn' (RNN): input sequence_lens 'lens' is [3], expected [2]"));
    s.values = {1, 1};
    s.lens = "int64";
    e = import_errors(s.save(t, "int64.onnx"));
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "node 'rnn' (RNN): sequence_lens 'lens' has data type INT64, not int32"));
    ModelBuilder cut;  // raw_data one byte short
    s.lens = "init";
    s.raw = true;
    REQUIRE(cut.m.ParseFromString(read_bytes(s.save(t, "raw.onnx"))));
    std::string* raw = cut.g().mutable_initializer(2)->mutable_raw_data();
    REQUIRE(cut.g().initializer(2).name() == "lens");
    raw->pop_back();
    e = import_errors(cut.save(t, "cut.onnx"));
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "node 'rnn' (RNN): sequence_lens 'lens' has 7 bytes of raw_data for its 2 elements"));
}

TEST_CASE("onnx: recurrent shapes that do not fit are refused", "[onnx]") {
    TempDir t;
    Recurrent m;
    m.x = {5, 2, 3};
    m.w = {1, 16, 3};
    m.r = {1, 16, 4};
    m.hidden = 5;  // R says 4
    auto e = import_errors(m.save(t));
    REQUIRE(!e.empty());
    CHECK(any_contains(e, "node 'rnn' (LSTM): W [1, 16, 3] and R [1, 16, 4] do not fit X [5, 2, 3] (layout 0), "
                             "direction 'forward' and hidden_size 5: LSTM wants W [1, 20, 3] and R [1, 20, 5]"));
    m.hidden = 4;
    m.direction = "bidirectional";  // W and R have one direction
    e = import_errors(m.save(t));
    REQUIRE(!e.empty());
    CHECK(any_contains(e, "LSTM wants W [2, 16, 3] and R [2, 16, 4]"));
    m.direction = "sideways";
    e = import_errors(m.save(t));
    REQUIRE(!e.empty());
    CHECK(any_contains(e, "attribute direction 'sideways' is not forward, reverse or bidirectional"));
    m.direction = "";
    m.x = {5, 2, 7};  // input 7, W says 3
    e = import_errors(m.save(t));
    REQUIRE(!e.empty());
    CHECK(any_contains(e, "LSTM wants W [1, 16, 7]"));

    // The simulator's limits: m = seq*batch and the number of step layers.
    m.x = {200000, 8, 3};
    e = import_errors(m.save(t));
    REQUIRE(!e.empty());
    CHECK(any_contains(e, "m = seq*batch = 1600000 is outside the simulator's range 1..1000000"));
    m.x = {200000, 1, 3};
    e = import_errors(m.save(t));
    REQUIRE(!e.empty());
    CHECK(any_contains(e, "200000 steps x 1 directions would list 200000 recurrent layers, over 100000"));
}

TEST_CASE("onnx testdata: every LSTM/GRU/RNN model imports with the MACs of its declared shapes", "[onnx]") {
    const fs::path node_dir = fs::path(SASIM_ONNX_TESTDATA) / "node";
    REQUIRE(fs::is_directory(node_dir));
    std::vector<fs::path> models;
    for (const auto& entry : fs::directory_iterator(node_dir)) {
        if (std::regex_match(entry.path().filename().string(), std::regex("test_(lstm|gru|rnn|simple_rnn)_.*"))) {
            models.push_back(entry.path());
        }
    }
    std::sort(models.begin(), models.end());
    CHECK(models.size() >= 12);  // ONNX 1.12: 4 LSTM, 4 GRU, 4 RNN node tests
    for (const fs::path& dir : models) {
        INFO(dir.string());
        const auto im = import_model((dir / "model.onnx").string());
        ::onnx::ModelProto m;
        std::ifstream in(dir / "model.onnx", std::ios::binary);
        REQUIRE(m.ParseFromIstream(&in));
        REQUIRE(m.graph().node_size() == 1);
        const ::onnx::NodeProto& n = m.graph().node(0);
        const auto declared = [&](const std::string& name) {
            for (const auto& v : m.graph().input()) {
                if (v.name() != name) continue;
                Dims d;
                for (const auto& dim : v.type().tensor_type().shape().dim()) d.push_back(dim.dim_value());
                return d;
            }
            FAIL("no declared shape for " << name);
            return Dims{};
        };
        int64_t layout = 0;
        std::string direction = "forward";
        for (const auto& a : n.attribute()) {
            if (a.name() == "layout") layout = a.i();
            if (a.name() == "direction") direction = a.s();
        }
        const Dims x = declared(n.input(0)), r = declared(n.input(2));
        const int64_t seq = x[layout], batch = x[1 - layout], input = x[2], hidden = r[2];
        const int64_t gates = n.op_type() == "LSTM" ? 4 : n.op_type() == "GRU" ? 3 : 1;
        const int64_t dirs = direction == "bidirectional" ? 2 : 1;
        // sequence_lens, where given, is a graph input here: every step runs the full batch.
        const int64_t rows = seq * batch;
        CHECK(total_macs(im.workload) ==
              static_cast<uint64_t>(dirs * (rows * input * gates * hidden + rows * hidden * gates * hidden)));
        CHECK(im.workload.layers.size() == static_cast<size_t>(dirs * (1 + seq) + 1));
        const Layer& gates_layer = im.workload.layers.back();
        std::string type = n.op_type() + "_gates";
        std::transform(type.begin(), type.end(), type.begin(), [](unsigned char ch) { return std::tolower(ch); });
        CHECK(gates_layer.op == type);
        CHECK(gates_layer.elements == static_cast<uint64_t>(seq * dirs * batch * hidden));
        // The reference outputs: Y (when the node writes it) has the gates' elements, Y_h one step's.
        for (int i = 0; i < m.graph().output_size(); ++i) {
            ::onnx::TensorProto ref;
            std::ifstream pb(dir / "test_data_set_0" / ("output_" + std::to_string(i) + ".pb"), std::ios::binary);
            REQUIRE(ref.ParseFromIstream(&pb));
            uint64_t elements = 1;
            for (int64_t d : ref.dims()) elements *= static_cast<uint64_t>(d);
            if (ref.name() == n.output(0)) CHECK(elements == gates_layer.elements);
            if (n.output_size() > 1 && ref.name() == n.output(1)) CHECK(elements * seq == gates_layer.elements);
        }
    }
}
