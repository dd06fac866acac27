// SPDX-License-Identifier: MIT
// The ONNX mapping rules on small models built in memory: conv geometry (pads, auto_pad, strides,
// dilations, groups, 1-D and 3-D), Gemm transposes, MatMul broadcasting and folding, ConvTranspose,
// constants, names, Other ops, unknown domains, and the refusals.
#include <catch2/catch.hpp>

#include "onnx_test_util.h"

using namespace sasim;
using namespace sasim::onnx_test;
using onnx_import::import_model;

namespace {

// A model with one node `op` reading `x` (and `w` when given) and writing `y`.
onnx_import::Imported one_node(ModelBuilder& b, const TempDir& t) {
    b.output(b.g().node(b.g().node_size() - 1).output(0));
    return import_model(b.save(t));
}

}  // namespace

TEST_CASE("onnx: conv pads, strides, dilations, groups", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {2, 8, 10, 12});
    b.weight("w", {16, 4, 3, 5});
    auto& n = b.node("Conv", {"x", "w"}, {"y"}, "conv");
    attr_ints(n, "pads", {1, 2, 3, 4});  // top, left, bottom, right
    attr_ints(n, "strides", {2, 1});
    attr_ints(n, "dilations", {1, 2});
    attr_int(n, "group", 2);
    const auto im = one_node(b, t);
    REQUIRE(im.workload.layers.size() == 1);
    const ConvShape& c = im.workload.layers[0].conv;
    CHECK(im.workload.layers[0].name == "conv");
    CHECK(c.batch == 2);
    CHECK(c.in_h == 10);
    CHECK(c.in_w == 12);
    CHECK(c.in_c == 8);
    CHECK(c.out_c == 16);
    CHECK(c.kernel_h == 3);
    CHECK(c.kernel_w == 5);
    CHECK(c.stride_h == 2);
    CHECK(c.stride_w == 1);
    CHECK(c.dilation_w == 2);
    CHECK((c.pad_top == 1 && c.pad_left == 2 && c.pad_bottom == 3 && c.pad_right == 4));
    CHECK(c.groups == 2);
    CHECK(c.out_h() == (10 + 4 - 3) / 2 + 1);
    CHECK(c.out_w() == 12 + 6 - 9 + 1);
}

TEST_CASE("onnx: conv auto_pad SAME_UPPER, SAME_LOWER, VALID; depthwise", "[onnx]") {
    for (const std::string mode : {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
        TempDir t;
        ModelBuilder b;
        b.input("x", {1, 8, 10, 10});
        b.weight("w", {8, 1, 4, 4});
        auto& n = b.node("Conv", {"x", "w"}, {"y"}, "dw");
        attr_str(n, "auto_pad", mode);
        attr_ints(n, "strides", {3, 3});
        attr_int(n, "group", 8);
        const ConvShape c = one_node(b, t).workload.layers[0].conv;
        INFO(mode);
        CHECK(c.groups == 8);
        if (mode == "VALID") {
            CHECK((c.pad_top == 0 && c.pad_bottom == 0 && c.out_h() == 3));
        } else {
            // out = ceil(10 / 3) = 4; total padding (4-1)*3 + 4 - 10 = 3; the odd one at the end for UPPER.
            CHECK(c.out_h() == 4);
            CHECK(c.pad_top == (mode == "SAME_UPPER" ? 1u : 2u));
            CHECK(c.pad_bottom == (mode == "SAME_UPPER" ? 2u : 1u));
            CHECK(c.pad_left == c.pad_top);
        }
    }
}

TEST_CASE("onnx: 1-D conv is a 2-D conv of height 1; 3-D conv runs over depth windows", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {2, 4, 16});
    b.weight("w", {6, 4, 3});
    attr_ints(b.node("Conv", {"x", "w"}, {"y"}, "c1"), "pads", {1, 1});
    const auto c1 = one_node(b, t);
    CHECK(total_macs(c1.workload) == 2 * 16 * 6 * 4 * 3);
    CHECK(c1.workload.layers[0].conv.in_h == 1);
    CHECK(c1.workload.layers[0].conv.kernel_h == 1);

    ModelBuilder b3;
    b3.input("x", {1, 2, 5, 6, 6});
    b3.weight("w", {4, 2, 3, 3, 3});
    auto& n = b3.node("Conv", {"x", "w"}, {"y"}, "c3");
    attr_ints(n, "pads", {1, 1, 1, 1, 1, 1});
    attr_ints(n, "strides", {2, 1, 1});
    const auto c3 = one_node(b3, t);
    const ConvShape& c = c3.workload.layers[0].conv;
    const uint64_t out_d = (5 + 2 - 3) / 2 + 1;  // 3
    CHECK(c.batch == out_d);
    CHECK(c.in_c == 2 * 3);
    CHECK(total_macs(c3.workload) == out_d * 6 * 6 * 4 * 2 * 27);

    ModelBuilder b4;
    b4.input("x", {1, 2, 3, 3, 3, 3});
    b4.weight("w", {4, 2, 1, 1, 1, 1});
    b4.node("Conv", {"x", "w"}, {"y"}, "c4");
    const auto c4 = one_node(b4, t);
    REQUIRE(c4.workload.layers.size() == 1);
    CHECK(c4.workload.layers[0].kind == LayerKind::Other);
    CHECK(c4.workload.layers[0].op == "conv_unsupported");
    CHECK(c4.workload.layers[0].elements == 4 * 81);
}

TEST_CASE("onnx: Gemm transposes and K mismatch", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("a", {6, 3});
    b.input("b", {4, 6});
    auto& n = b.node("Gemm", {"a", "b"}, {"y"}, "fc");
    attr_int(n, "transA", 1);
    attr_int(n, "transB", 1);
    const Layer l = one_node(b, t).workload.layers[0];
    CHECK((l.gemm.m == 3 && l.gemm.n == 4 && l.gemm.k == 6 && l.gemm.batch == 1));

    ModelBuilder bad;
    bad.input("a", {6, 3});
    bad.input("b", {4, 6});
    bad.node("Gemm", {"a", "b"}, {"y"}, "fc");
    bad.output("y");
    const auto e = import_errors(bad.save(t, "bad.onnx"));
    REQUIRE(!e.empty());
    CHECK(contains(e[0], "node 'fc' (Gemm): A [6, 3] (transA=false) and B [4, 6] (transB=false) disagree on K"));
}

TEST_CASE("onnx: MatMul batching, broadcasting and folding", "[onnx]") {
    struct Case {
        std::vector<int64_t> a, b;
        uint32_t batch, m, n, k;
    };
    const std::vector<Case> cases = {
        {{2, 1, 4, 8}, {3, 8, 5}, 6, 4, 5, 8},  // batch dims [2,1] and [3] broadcast to [2,3]
        {{12, 128, 64}, {12, 64, 128}, 12, 128, 128, 64},
        {{5, 4, 8}, {8, 6}, 1, 20, 6, 8},       // B shared: batch folded into m
        {{1, 5, 4, 8}, {1, 8, 6}, 1, 20, 6, 8}, // B's batch dims are all 1: same
        {{4, 8}, {3, 8, 6}, 1, 4, 18, 8},       // A shared: batch folded into n
        {{8}, {8, 6}, 1, 1, 6, 8},              // vector times matrix
        {{4, 8}, {8}, 1, 4, 1, 8},              // matrix times vector
    };
    for (const Case& c : cases) {
        TempDir t;
        ModelBuilder b;
        b.input("a", c.a);
        b.input("b", c.b);
        b.node("MatMul", {"a", "b"}, {"y"}, "mm");
        const auto im = one_node(b, t);
        const GemmShape g = im.workload.layers[0].gemm;
        INFO(im.info[0].note);
        CHECK(g.batch == c.batch);
        CHECK(g.m == c.m);
        CHECK(g.n == c.n);
        CHECK(g.k == c.k);
        CHECK(im.info[0].type == "matmul");
    }
    TempDir t;
    ModelBuilder b;
    b.input("a", {3, 8});
    b.input("b", {9, 6});
    b.node("MatMul", {"a", "b"}, {"y"}, "mm");
    b.output("y");
    const auto e = import_errors(b.save(t));
    REQUIRE(!e.empty());  // ONNX's inference leaves y unknown; the mapping reports the mismatch
    CHECK(contains(e[0], "node 'mm' (MatMul): A [3, 8] and B [9, 6] disagree on K (8 vs 9)"));
}

TEST_CASE("onnx: MatMul with a weight initializer is a gemm; quantized forms", "[onnx]") {
    TempDir t;
    ModelBuilder b(13);
    b.input("x", {1, 16, 32});
    b.weight("w", {32, 64});
    b.node("MatMul", {"x", "w"}, {"h"}, "proj");
    b.input("xs", {});
    b.input("xz", {});
    b.input("ws", {});
    b.input("wz", {});
    b.input("w8", {1, 64, 3, 3});
    b.node("QLinearConv", {"x4", "xs", "xz", "w8", "ws", "wz", "xs", "xz"}, {"q"}, "qconv");
    b.input("x4", {1, 64, 8, 8});
    b.output("h");
    b.output("q");
    const auto im = import_model(b.save(t));
    REQUIRE(im.workload.layers.size() == 2);
    CHECK(im.info[0].type == "gemm");
    CHECK(im.workload.layers[0].op == "gemm");
    CHECK((im.workload.layers[0].gemm.m == 16 && im.workload.layers[0].gemm.n == 64));
    CHECK(im.workload.layers[1].kind == LayerKind::Conv);
    CHECK(im.workload.layers[1].conv.out_c == 1);
    CHECK(im.info[1].onnx_op == "QLinearConv");
}

TEST_CASE("onnx: ConvTranspose is a GEMM plus a col2im Other layer", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {1, 4, 5, 5});
    b.weight("w", {4, 3, 3, 3});  // [C, M/group, kh, kw]
    auto& n = b.node("ConvTranspose", {"x", "w"}, {"y"}, "up");
    attr_ints(n, "strides", {2, 2});
    attr_int(n, "group", 2);
    const auto im = one_node(b, t);
    REQUIRE(im.workload.layers.size() == 2);
    const GemmShape& g = im.workload.layers[0].gemm;
    CHECK((g.batch == 2 && g.m == 25 && g.n == 27 && g.k == 2));
    CHECK(total_macs(im.workload) == 25 * 4 * 3 * 9);  // every input pixel times every kernel tap
    CHECK(im.workload.layers[1].name == "up/col2im");
    CHECK(im.workload.layers[1].elements == 6 * 11 * 11);  // (5-1)*2 + 3 = 11
    // The summary counts the GEMM and names col2im as the node's part, not the node as not simulated.
    const std::string text = onnx_import::summary(im);
    CHECK(contains(text, "2 layers: 0 conv, 1 gemm, 0 matmul"));
    CHECK(contains(text, "not simulated (listed with their output elements): col2im (of ConvTranspose) x1"));
}

TEST_CASE("onnx: constants are folded, Other ops keep their element counts", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {2, 8});
    b.weight("w1", {8, 8});
    b.weight("w2", {8, 8});
    b.node("MatMul", {"w1", "w2"}, {"w12"}, "fold_me");   // weights only: done once at load time
    b.node("MatMul", {"x", "w12"}, {"h"}, "fc");
    b.node("Relu", {"h"}, {"r"}, "act");
    b.node("Softmax", {"r"}, {"y"}, "");
    b.output("y");
    const auto im = import_model(b.save(t));
    REQUIRE(im.workload.layers.size() == 3);
    CHECK(im.folded == std::vector<std::string>{"MatMul"});
    CHECK(im.info[0].type == "gemm");  // B is a constant (folded) tensor
    CHECK(im.workload.layers[1].op == "relu");
    CHECK(im.workload.layers[1].elements == 16);
    CHECK(im.workload.layers[2].name == "y");  // no node name: named after its output
    CHECK(im.workload.layers[2].op == "softmax");
}

TEST_CASE("onnx: repeated node names are made unique; unknown domains", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {1, 8});
    b.node("Relu", {"x"}, {"a"}, "same");
    b.node("Relu", {"a"}, {"b"}, "same");
    b.node("FancyOp", {"b"}, {"c"}, "custom", "com.example");
    b.output("c");
    const auto im = import_model(b.save(t));
    REQUIRE(im.workload.layers.size() == 3);
    CHECK(im.workload.layers[1].name == "same_2");
    CHECK(im.workload.layers[2].op == "fancyop");
    CHECK(im.workload.layers[2].elements == 0);
    CHECK(im.info[2].onnx_op == "com.example:FancyOp");
    REQUIRE(im.warnings.size() == 2);
    CHECK(contains(im.warnings[0], "listed as 'same_2'"));
    CHECK(contains(im.warnings[1], "output shape not known"));

    // Names keep UTF-8; control characters and malformed bytes become '_' (reports write names into JSON).
    ModelBuilder u;
    u.input("x", {1, 8});
    u.node("Relu", {"x"}, {"y"}, "stage\xc3\xa9.relu\n\xc0\x80\xed\xa0\x80\xff");
    u.output("y");
    CHECK(import_model(u.save(t, "u.onnx")).workload.layers[0].name == "stage\xc3\xa9.relu_______");

    // A conv after an op ONNX cannot infer: refused, naming the cause.
    ModelBuilder c;
    c.input("x", {1, 3, 8, 8});
    c.weight("w", {4, 3, 3, 3});
    c.node("FancyOp", {"x"}, {"f"}, "custom", "com.example");
    c.node("Conv", {"f", "w"}, {"y"}, "conv");
    c.output("y");
    const auto e = import_errors(c.save(t, "c.onnx"));
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "node 'conv' (Conv): the shape of input X 'f' is unknown after shape inference"));
    CHECK(contains(e[0], "does not know the 'com.example' domain"));
}

TEST_CASE("onnx: unsupported matrix ops are listed with a warning in a partial import", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {2, 4});
    b.input("w", {4, 4});
    attr_str(b.node("Einsum", {"x", "w"}, {"y"}, "es"), "equation", "ij,jk->ik");
    b.output("y");
    CHECK(contains(import_errors(b.save(t)).at(0), "Einsum 'ij,jk->ik': 32 MACs, not simulated"));
    onnx_import::ImportOptions o;
    o.allow_partial = true;
    const auto im = import_model(b.save(t), o);
    REQUIRE(im.workload.layers.size() == 1);
    CHECK(im.workload.layers[0].op == "einsum");
    CHECK(im.workload.layers[0].elements == 0);  // ONNX 1.12 infers Einsum's rank only
    REQUIRE(im.warnings.size() == 3);
    CHECK(contains(im.warnings[0], "output shape not known after shape inference; listed with 0 elements"));
    CHECK(contains(im.warnings[1], "not simulated (op not supported)"));
    CHECK(contains(im.warnings[2], "it holds 0 of 32 MACs (0.0 %)"));
}

TEST_CASE("onnx: --input-shape replaces declared shapes; refusals name the input", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {-1, 3, 8, 8});
    b.weight("w", {4, 3, 3, 3});
    b.node("Conv", {"x", "w"}, {"y"}, "conv");
    b.output("y");
    const std::string path = b.save(t);
    auto e = import_errors(path);
    REQUIRE(e.size() == 1);
    CHECK(e[0] == path + ": input 'x' [N, 3, 8, 8] has a dynamic dimension 'N': give its shape with "
                         "--input-shape x:<N>x3x8x8");
    onnx_import::ImportOptions o;
    o.input_shapes = {onnx_import::parse_input_shape("x:4x3x16x16")};
    const auto im = import_model(path, o);
    CHECK(im.workload.layers[0].conv.batch == 4);
    CHECK(im.workload.layers[0].conv.in_h == 16);
    CHECK(im.inputs == std::vector<std::string>{"x=4x3x16x16"});
    o.input_shapes = {onnx_import::parse_input_shape("x:1x3x16"), onnx_import::parse_input_shape("z:1")};
    e = import_errors(path, o);
    REQUIRE(e.size() == 2);
    CHECK(e[0] == path + ": --input-shape x: 3 dimensions given, the model declares 4 [N, 3, 8, 8]");
    CHECK(e[1] == path + ": --input-shape z: the model has no graph input 'z' (inputs: 'x')");
}

TEST_CASE("onnx: --input-shape and shapes stored in the model", "[onnx]") {
    TempDir t;
    for (const bool symbolic : {true, false}) {
        INFO((symbolic ? "symbolic batch" : "static input"));
        ModelBuilder b;
        b.input("x", {symbolic ? -1 : 1, 3, 8, 8});
        b.weight("w", {4, 3, 3, 3});
        b.node("Conv", {"x", "w"}, {"y"}, "conv");
        b.node("Relu", {"y"}, {"z"}, "relu");
        b.output("z");
        set_shape(b.g().add_value_info(), {1, 4, 6, 6});  // stored by an exporter that used batch 1
        b.g().mutable_value_info(0)->set_name("y");
        onnx_import::ImportOptions o;
        o.input_shapes = {onnx_import::parse_input_shape(symbolic ? "x:4x3x8x8" : "x:4x3x16x16")};
        const auto im = import_model(b.save(t), o);
        REQUIRE(im.workload.layers.size() == 2);
        CHECK(im.workload.layers[0].conv.batch == 4);
        CHECK(im.workload.layers[1].elements == (symbolic ? 4u * 4 * 6 * 6 : 4u * 4 * 14 * 14));
        o.input_shapes.push_back(o.input_shapes[0]);
        const auto e = import_errors(b.save(t), o);
        REQUIRE(e.size() == 1);
        CHECK(contains(e[0], "--input-shape x: given more than once"));
    }
}

TEST_CASE("onnx: parse_input_shape", "[onnx]") {
    const auto s = onnx_import::parse_input_shape("input_1:0:1x3x224x224");  // TensorFlow-style name
    CHECK(s.name == "input_1:0");
    CHECK(s.dims == std::vector<int64_t>{1, 3, 224, 224});
    for (const std::string bad : {"x", ":1x2", "x:", "x:1x", "x:0x3", "x:1x-3", "x:1xa", "x:2000000"}) {
        INFO(bad);
        CHECK_THROWS_AS(onnx_import::parse_input_shape(bad), InputError);
    }
}

TEST_CASE("onnx: graph errors: cycles, two writers, too-large sizes", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {1, 4});
    b.node("Relu", {"x"}, {"a"}, "r1");
    b.node("Relu", {"x"}, {"a"}, "r2");
    b.output("a");
    auto e = import_errors(b.save(t, "two.onnx"));
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "tensor 'a' is written by two nodes, 'r1' (Relu) and 'r2' (Relu)"));

    ModelBuilder c;
    c.input("x", {1, 4});
    c.node("Add", {"x", "c"}, {"a"}, "add");
    c.node("Relu", {"a"}, {"b"}, "");
    c.node("Relu", {"b"}, {"c"}, "back");
    c.output("c");
    e = import_errors(c.save(t, "cycle.onnx"));
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "the graph has a cycle: 'add' (Add) -> #1 (Relu, output 'b') -> 'back' (Relu) -> 'add'"));

    ModelBuilder big;
    big.input("x", {3000000, 8});
    big.input("w", {8, 8});
    big.node("MatMul", {"x", "w"}, {"y"}, "huge");
    big.output("y");
    e = import_errors(big.save(t, "big.onnx"));
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "node 'huge' (MatMul): m = 3000000 is outside the simulator's range 1..1000000"));
}

TEST_CASE("onnx: every truncation of a model and random bytes are refused", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {1, 3, 8, 8});
    b.weight("w", {4, 3, 3, 3});
    b.node("Conv", {"x", "w"}, {"y"}, "conv");
    b.output("y");
    const std::string bytes = b.bytes();
    REQUIRE_NOTHROW(import_model(t.write("full.onnx", bytes)));
    for (size_t n = 0; n < bytes.size(); ++n) {
        INFO(n << " of " << bytes.size() << " bytes");
        const std::string path = t.write("cut.onnx", bytes.substr(0, n));
        const auto e = import_errors(path);
        REQUIRE(e.size() == 1);
        CHECK(e[0].rfind(path + ": ", 0) == 0);
    }
    std::mt19937 rng(7);
    for (int i = 0; i < 200; ++i) {
        std::string junk(1 + rng() % 300, '\0');
        for (char& ch : junk) ch = static_cast<char>(rng());
        const auto e = import_errors(t.write("junk.onnx", junk));
        REQUIRE(e.size() >= 1);
    }
}

TEST_CASE("onnx: load_workload reads .onnx once the loader is registered", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {1, 8});
    b.weight("w", {8, 4});
    b.node("MatMul", {"x", "w"}, {"y"}, "fc");
    b.output("y");
    const std::string path = b.save(t, "Net.ONNX");
    onnx_import::register_loader();
    const Workload w = load_workload(path);
    CHECK(w.name == "Net");
    CHECK(w.path == path);
    REQUIRE(w.layers.size() == 1);
    CHECK(w.layers[0].origin == path + ": node 'fc' (MatMul)");
}

TEST_CASE("onnx: graph edges become inputs; Clip(0, 6) is relu6", "[onnx]") {
    TempDir t;
    ModelBuilder b(13);
    const auto scalar = [&](const std::string& name, float v) {
        auto* s = b.g().add_initializer();
        s->set_name(name);
        s->set_data_type(::onnx::TensorProto::FLOAT);
        s->add_float_data(v);
    };
    b.input("x", {1, 4, 8, 8});
    b.weight("w1", {4, 4, 3, 3});
    b.weight("w2", {4, 4, 1, 1});
    scalar("zero", 0);
    scalar("six", 6);
    scalar("one", 1);
    attr_ints(b.node("Conv", {"x", "w1"}, {"c1"}, "conv1"), "pads", {1, 1, 1, 1});
    b.node("Clip", {"c1", "zero", "six"}, {"r1"}, "act1");
    b.node("Conv", {"r1", "w2"}, {"c2"}, "conv2");
    b.node("Add", {"c2", "x"}, {"s"}, "add");
    b.node("Clip", {"s", "zero", "one"}, {"y"}, "act2");
    b.output("y");
    const auto im = import_model(b.save(t));
    const Workload& w = im.workload;
    REQUIRE(w.layers.size() == 5);
    CHECK(w.layers[1].op == "relu6");
    CHECK(w.layers[4].op == "clip");
    CHECK(layer_inputs(w, 0) == std::vector<uint32_t>{kNetworkInput});
    CHECK(layer_inputs(w, 2) == std::vector<uint32_t>{1});
    CHECK(layer_inputs(w, 3) == std::vector<uint32_t>{2, kNetworkInput});  // the residual reads the graph input
    CHECK(layer_inputs(w, 4) == std::vector<uint32_t>{3});
    CHECK(contains(onnx_import::to_json_trace(im), R"("inputs": ["conv2", "$input"])"));
}
