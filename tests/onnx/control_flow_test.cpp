// SPDX-License-Identifier: MIT
// Shape arithmetic folded at import, If inlining, Loop and Scan unrolling, partial imports
// (docs/onnx.md, "Constants", "Control flow", "Partial imports").
#include <catch2/catch.hpp>

#include "common/errors.h"
#include "onnx/fold.h"
#include "onnx_test_util.h"

using namespace sasim;
using namespace sasim::onnx_test;
using onnx_import::import_model;
using onnx_import::ImportOptions;

namespace {

::onnx::GraphProto& graph_attr(::onnx::NodeProto& n, const std::string& name) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::GRAPH);
    a->mutable_g()->set_name(name);
    return *a->mutable_g();
}

::onnx::NodeProto& add(::onnx::GraphProto& g, const std::string& op, std::initializer_list<std::string> in,
                       std::initializer_list<std::string> out, const std::string& name = "") {
    auto* n = g.add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& s : in) n->add_input(s);
    for (const auto& s : out) n->add_output(s);
    return *n;
}

void bool_input(ModelBuilder& b, const std::string& name) {
    auto* v = b.g().add_input();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(::onnx::TensorProto::BOOL);
    v->mutable_type()->mutable_tensor_type()->mutable_shape();
}

// y = If(cond): then y = x @ w (one MatMul), else y = (x @ w) @ w2 (two).
ModelBuilder if_model(const std::string& cond_source) {
    ModelBuilder b;
    b.input("x", {2, 4});
    b.weight("w", {4, 4});
    b.weight("w2", {4, 4});
    if (cond_source == "input") {
        bool_input(b, "c");
    } else {  // c = Shape(x)[0] == 2, known at import
        b.int64s("zero", {0});
        b.int64s("two", {2});
        b.node("Shape", {"x"}, {"s"});
        b.node("Gather", {"s", "zero"}, {"s0"});
        b.node("Equal", {"s0", "two"}, {"c1"});
        b.node("Squeeze", {"c1"}, {"c"});
    }
    auto& n = b.node("If", {"c"}, {"y"}, "branch");
    auto& t = graph_attr(n, "then_branch");
    add(t, "MatMul", {"x", "w"}, {"t_y"}, "mm");
    t.add_output()->set_name("t_y");
    auto& e = graph_attr(n, "else_branch");
    add(e, "MatMul", {"x", "w"}, {"e_a"}, "mm1");
    add(e, "MatMul", {"e_a", "w2"}, {"e_y"}, "mm2");
    e.add_output()->set_name("e_y");
    b.output("y");
    return b;
}

// y = Loop(trip, "", x) with body: next = carried @ w; scan output `next` stacked.
ModelBuilder loop_model(bool trip_known) {
    ModelBuilder b;
    b.input("x", {4, 4});
    b.weight("w", {4, 4});
    if (trip_known) {
        b.int64s("trip", {3});
    } else {
        b.input("trip", {});
        b.g().mutable_input(1)->mutable_type()->mutable_tensor_type()->set_elem_type(::onnx::TensorProto::INT64);
    }
    auto& loop = b.node("Loop", {"trip", "", "x"}, {"y", "stacked"}, "loop");
    auto& body = graph_attr(loop, "body");
    for (const char* in : {"i", "cond", "carried"}) body.add_input()->set_name(in);
    add(body, "MatMul", {"carried", "w"}, {"next"}, "mm");
    add(body, "Identity", {"cond"}, {"cond_out"});
    add(body, "Relu", {"next"}, {"scan"}, "relu");
    for (const char* out : {"cond_out", "next", "scan"}) body.add_output()->set_name(out);
    b.output("y");
    b.output("stacked");
    return b;
}

std::vector<std::string> layer_names(const onnx_import::Imported& im) {
    std::vector<std::string> names;
    for (const auto& l : im.workload.layers) names.push_back(l.name);
    return names;
}

}  // namespace

TEST_CASE("onnx fold: shape arithmetic evaluates as the ONNX spec says", "[onnx]") {
    using onnx_import::detail::ConstValue;
    using onnx_import::detail::evaluate;
    const auto ints = [](std::vector<int64_t> v, std::vector<int64_t> dims) {
        ConstValue c;
        c.ints = std::move(v);
        c.dims = std::move(dims);
        return c;
    };
    const auto run = [](const ::onnx::NodeProto& n, std::vector<const ConstValue*> in) {
        return evaluate(n, in, std::vector<const std::vector<int64_t>*>(in.size(), nullptr), 17);
    };
    ::onnx::NodeProto n;
    n.add_output("y");
    n.set_op_type("Gather");
    const ConstValue shape = ints({1, 3, 224, 224}, {4});
    const ConstValue last = ints({-1}, {});
    n.add_input("s");
    n.add_input("i");
    auto r = run(n, {&shape, &last});
    REQUIRE(r);
    CHECK((*r)[0].ints == std::vector<int64_t>{224});
    CHECK((*r)[0].dims.empty());
    const ConstValue out_of_range = ints({4}, {});
    CHECK_THROWS_AS(run(n, {&shape, &out_of_range}), std::invalid_argument);

    n.set_op_type("Mod");  // integer Mod takes the divisor's sign unless fmod=1
    const ConstValue a = ints({-7, 7}, {2}), b = ints({3}, {});
    r = run(n, {&a, &b});
    REQUIRE(r);
    CHECK((*r)[0].ints == std::vector<int64_t>{2, 1});
    n.set_op_type("Div");  // integer Div truncates, as ONNX Runtime
    CHECK((*run(n, {&a, &b}))[0].ints == std::vector<int64_t>{-2, 2});
    const ConstValue zero = ints({0}, {});
    CHECK_THROWS_AS(run(n, {&a, &zero}), std::invalid_argument);

    ::onnx::NodeProto s;
    s.set_op_type("Slice");
    for (const char* in : {"x", "starts", "ends", "axes", "steps"}) s.add_input(in);
    s.add_output("y");
    const ConstValue starts = ints({-1}, {1}), ends = ints({-1000}, {1}), axes = ints({0}, {1}), steps = ints({-2}, {1});
    r = run(s, {&shape, &starts, &ends, &axes, &steps});
    REQUIRE(r);
    CHECK((*r)[0].ints == std::vector<int64_t>{224, 3});

    ::onnx::NodeProto reshape;
    reshape.set_op_type("Reshape");
    reshape.add_input("x");
    reshape.add_input("shape");
    reshape.add_output("y");
    const ConstValue six = ints({1, 2, 3, 4, 5, 6}, {2, 3});
    const ConstValue target = ints({0, -1}, {2});
    r = run(reshape, {&six, &target});
    REQUIRE(r);
    CHECK((*r)[0].dims == std::vector<int64_t>{2, 3});
    const ConstValue bad = ints({4, -1}, {2});
    CHECK_THROWS_AS(run(reshape, {&six, &bad}), std::invalid_argument);

    ::onnx::NodeProto where;
    where.set_op_type("Where");
    for (const char* in : {"c", "x", "y"}) where.add_input(in);
    where.add_output("z");
    ConstValue cond = ints({1, 0}, {2});
    cond.elem_type = ::onnx::TensorProto::BOOL;
    const ConstValue x = ints({10}, {}), y = ints({20, 30}, {2});
    CHECK((*run(where, {&cond, &x, &y}))[0].ints == std::vector<int64_t>{10, 30});

    ::onnx::NodeProto unknown;
    unknown.set_op_type("Softmax");
    unknown.add_input("x");
    unknown.add_output("y");
    CHECK_FALSE(run(unknown, {&six}));
}

TEST_CASE("onnx fold: a Reshape whose shape is computed from Shape arithmetic gets its size", "[onnx]") {
    // shape = [N, sqrt(H) as an integer, -1] from Shape(x): float arithmetic that ONNX's own data
    // propagation does not do, so without folding the MatMul could not be sized.
    TempDir t;
    ModelBuilder b;
    b.input("x", {-1, 16, 8});
    b.weight("w", {32, 4});
    b.int64s("i0", {0});
    b.int64s("i1", {1});
    b.int64s("m1", {-1});
    b.node("Shape", {"x"}, {"s"});
    b.node("Gather", {"s", "i0"}, {"n"});
    b.node("Gather", {"s", "i1"}, {"h"});
    attr_int(b.node("Cast", {"h"}, {"hf"}), "to", ::onnx::TensorProto::FLOAT);
    b.node("Sqrt", {"hf"}, {"r"});
    attr_int(b.node("Cast", {"r"}, {"ri"}), "to", ::onnx::TensorProto::INT64);
    attr_int(b.node("Concat", {"n", "ri", "m1"}, {"shape"}), "axis", 0);
    b.node("Reshape", {"x", "shape"}, {"xr"}, "reshape");
    b.node("MatMul", {"xr", "w"}, {"y"}, "mm");
    b.output("y");
    ImportOptions o;
    o.input_shapes = {onnx_import::parse_input_shape("x:2x16x8")};
    const auto im = import_model(b.save(t), o);
    REQUIRE(im.workload.layers.size() == 2);  // the Reshape (Other) and the MatMul
    const Layer& mm = im.workload.layers[1];
    CHECK(mm.name == "mm");
    CHECK(mm.gemm.m == 8);  // [2, 4, 32] x [32, 4]: the batch of 2 folded into m
    CHECK(mm.gemm.k == 32);
    CHECK(mm.gemm.n == 4);
    CHECK(std::count(im.folded.begin(), im.folded.end(), "Sqrt") == 1);
    CHECK(std::count(im.folded.begin(), im.folded.end(), "Shape") == 1);
}

TEST_CASE("onnx control flow: an If with a known condition is replaced by its taken branch", "[onnx]") {
    TempDir t;
    const auto im = import_model(if_model("shape").save(t));
    CHECK(layer_names(im) == std::vector<std::string>{"branch/then/mm"});
    CHECK(im.warnings.empty());
    ImportOptions o;
    o.if_branches = {onnx_import::parse_if_branch("branch=else")};
    const auto e = import_errors(if_model("shape").save(t), o);
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "--if-branch branch=else: the condition of node 'branch' (If) is known at import (true)"));
}

TEST_CASE("onnx control flow: an If with an unknown condition takes the branch with more matrix work", "[onnx]") {
    TempDir t;
    const std::string path = if_model("input").save(t);
    auto im = import_model(path);
    CHECK(layer_names(im) == std::vector<std::string>{"branch/else/mm1", "branch/else/mm2"});
    REQUIRE(im.warnings.size() == 1);
    CHECK(contains(im.warnings[0], "imported the else branch (2 matrix-product nodes; the then branch has 1). "
                                   "Choose with --if-branch branch=then"));
    ImportOptions o;
    o.if_branches = {onnx_import::parse_if_branch("branch=then")};
    im = import_model(path, o);
    CHECK(layer_names(im) == std::vector<std::string>{"branch/then/mm"});
    o.if_branches = {};
    o.input_values = {onnx_import::parse_input_value("c=1")};
    im = import_model(path, o);
    CHECK(layer_names(im) == std::vector<std::string>{"branch/then/mm"});
    CHECK(im.warnings.empty());
    o.input_values = {onnx_import::parse_input_value("c=0")};
    CHECK(layer_names(import_model(path, o)) == std::vector<std::string>{"branch/else/mm1", "branch/else/mm2"});
    o.input_values = {onnx_import::parse_input_value("nope=1")};
    const auto e = import_errors(path, o);
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "--input-value nope: the model has no graph input 'nope' (inputs: 'x', 'c')"));
    o.input_values = {};
    o.if_branches = {onnx_import::parse_if_branch("other=then")};
    CHECK(contains(import_errors(path, o).at(0), "--if-branch other: no If node of that name was imported"));
    CHECK_THROWS_AS(onnx_import::parse_if_branch("branch=maybe"), InputError);
    CHECK_THROWS_AS(onnx_import::parse_input_value("c=abc"), InputError);
    CHECK(onnx_import::parse_input_value("a=b=1,2.5").values == std::vector<double>{1, 2.5});
}

TEST_CASE("onnx control flow: a Loop with a known trip count is unrolled", "[onnx]") {
    TempDir t;
    const auto im = import_model(loop_model(true).save(t));
    std::vector<std::string> gemms;
    for (const auto& l : im.workload.layers) {
        if (l.kind == LayerKind::Gemm) gemms.push_back(l.name);
    }
    CHECK(gemms == std::vector<std::string>{"loop/iter0/mm", "loop/iter1/mm", "loop/iter2/mm"});
    CHECK(total_macs(im.workload) == 3 * 4 * 4 * 4);
    // The scan output: three Relu results stacked (Unsqueeze + Concat), 3 x 4 x 4 elements.
    const auto concat = std::find_if(im.workload.layers.begin(), im.workload.layers.end(),
                                     [](const Layer& l) { return l.op == "concat"; });
    REQUIRE(concat != im.workload.layers.end());
    CHECK(concat->elements == 48);
}

TEST_CASE("onnx control flow: a Loop whose trip count is not known is refused unless --allow-partial", "[onnx]") {
    TempDir t;
    const std::string path = loop_model(false).save(t);
    const auto e = import_errors(path);
    REQUIRE(e.size() == 2);
    CHECK(contains(e[0], "node 'loop' (Loop): its subgraph or function body has 1 matrix-product nodes, not "
                         "simulated (not unrolled: its trip count 'trip' is not known at import)"));
    CHECK(contains(e[1], "refused, since a run would miss those products"));
    CHECK(contains(e[1], "--allow-partial"));
    ImportOptions o;
    o.allow_partial = true;
    const auto im = import_model(path, o);
    REQUIRE(im.workload.layers.size() == 1);
    CHECK(im.workload.layers[0].op == "loop");
    CHECK(contains(onnx_import::partial_text(im), "1 of unknown size"));
    CHECK(contains(im.workload.source, "[partial import:"));
}

TEST_CASE("onnx control flow: an unsupported matrix op makes a partial import with its MAC fraction", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {2, 4});
    b.weight("w", {4, 4});
    b.node("MatMul", {"x", "w"}, {"a"}, "mm");
    attr_str(b.node("Einsum", {"a", "w"}, {"y"}, "es"), "equation", "ij,jk->ik");
    b.output("y");
    const std::string path = b.save(t);
    CHECK(contains(import_errors(path).at(0), "Einsum 'ij,jk->ik': 32 MACs, not simulated"));
    ImportOptions o;
    o.allow_partial = true;
    const auto im = import_model(path, o);
    CHECK(onnx_import::partial_text(im) ==
          "partial import: 1 node(s) with matrix products left out (32 MACs): it holds 32 of 64 MACs (50.0 %)");
}

TEST_CASE("onnx control flow: a Scan is unrolled over its scan axis, reversed when asked", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("h0", {1, 4});
    b.input("xs", {5, 1, 4});
    b.weight("w", {4, 4});
    auto& scan = b.node("Scan", {"h0", "xs"}, {"h", "ys"}, "scan");
    attr_int(scan, "num_scan_inputs", 1);
    attr_ints(scan, "scan_input_directions", {1});
    auto& body = graph_attr(scan, "body");
    for (const char* in : {"h_in", "x_t"}) body.add_input()->set_name(in);
    add(body, "Add", {"h_in", "x_t"}, {"s"}, "add");
    add(body, "MatMul", {"s", "w"}, {"h_out"}, "mm");
    add(body, "Relu", {"h_out"}, {"y_t"}, "relu");
    for (const char* out : {"h_out", "y_t"}) body.add_output()->set_name(out);
    b.output("h");
    b.output("ys");
    const auto im = import_model(b.save(t));
    std::vector<std::string> gemms;
    for (const auto& l : im.workload.layers) {
        if (l.kind == LayerKind::Gemm) gemms.push_back(l.name);
    }
    CHECK(gemms.size() == 5);
    CHECK(gemms.back() == "scan/iter4/mm");
    CHECK(total_macs(im.workload) == 5 * 1 * 4 * 4);
    const auto concat = std::find_if(im.workload.layers.begin(), im.workload.layers.end(),
                                     [](const Layer& l) { return l.op == "concat"; });
    REQUIRE(concat != im.workload.layers.end());
    CHECK(concat->elements == 20);
}

TEST_CASE("onnx fold: a shape that stays unknown names the node and the value that block it", "[onnx]") {
    TempDir t;
    ModelBuilder b;
    b.input("x", {2, 16});
    b.weight("w", {8, 4});
    b.input("target", {2});
    b.g().mutable_input(1)->mutable_type()->mutable_tensor_type()->set_elem_type(::onnx::TensorProto::INT64);
    b.node("Abs", {"target"}, {"t2"}, "abs");
    b.node("Reshape", {"x", "t2"}, {"xr"}, "reshape");
    b.node("MatMul", {"xr", "w"}, {"y"}, "mm");
    b.output("y");
    const std::string path = b.save(t);
    const auto e = import_errors(path);
    REQUIRE(e.size() == 1);
    CHECK(contains(e[0], "node 'mm' (MatMul): the shape of input A 'xr'"));
    CHECK(contains(e[0], "it depends on node 'reshape' (Reshape), whose input 't2' must be known at import to size "
                         "its output; that value comes from graph input 'target', whose value is not known at "
                         "import (fix it with --input-value target=...)"));
    ImportOptions o;
    o.input_values = {onnx_import::parse_input_value("target=4,-8")};
    const auto im = import_model(path, o);
    CHECK(im.workload.layers.back().gemm.m == 4);
    CHECK(im.workload.layers.back().gemm.k == 8);
}

TEST_CASE("onnx control flow: libonnx-testdata's Loop and Scan node models unroll to the reference sizes", "[onnx]") {
    const std::string dir = std::string(SASIM_ONNX_TESTDATA) + "/node/";
    // test_loop11: trip count and condition are graph inputs (5 and true in the reference data).
    const std::string loop = dir + "test_loop11/model.onnx";
    auto listed = import_model(loop);  // not known: one Loop layer, no matrix products, so no error
    REQUIRE(listed.workload.layers.size() == 1);
    CHECK(listed.workload.layers[0].op == "loop");
    ImportOptions o;
    o.input_values = {onnx_import::parse_input_value("trip_count=5"), onnx_import::parse_input_value("cond=1")};
    const auto unrolled = import_model(loop, o);
    CHECK(std::count_if(unrolled.workload.layers.begin(), unrolled.workload.layers.end(),
                        [](const Layer& l) { return l.op == "add"; }) == 5);
    // The scan output res_scan is [5, 1] in the reference output (output_1.pb).
    CHECK(unrolled.workload.layers.back().op == "concat");
    CHECK(unrolled.workload.layers.back().elements == 5);

    // test_scan9_sum: the scan runs over x [3, 2]; the scan output is [3, 2].
    const auto scan = import_model(dir + "test_scan9_sum/model.onnx");
    CHECK(std::count_if(scan.workload.layers.begin(), scan.workload.layers.end(),
                        [](const Layer& l) { return l.op == "add"; }) == 3);
    CHECK(scan.workload.layers.back().op == "concat");
    CHECK(scan.workload.layers.back().elements == 6);
    // test_scan_sum is Scan-8 (with a batch axis): listed, with the reason.
    const auto scan8 = import_model(dir + "test_scan_sum/model.onnx");
    REQUIRE(scan8.workload.layers.size() == 1);
    CHECK(scan8.workload.layers[0].op == "scan");
}

TEST_CASE("onnx fold: review cases (float32 rounding, widths, negative axes, malformed inputs)", "[onnx]") {
    using onnx_import::detail::ConstValue;
    using onnx_import::detail::evaluate;
    const auto value = [](int32_t type, std::vector<double> v, std::vector<int64_t> dims) {
        ConstValue c;
        c.elem_type = type;
        c.dims = std::move(dims);
        for (double x : v) {
            if (c.is_float()) c.floats.push_back(x); else c.ints.push_back(static_cast<int64_t>(x));
        }
        return c;
    };
    const auto node = [](const std::string& op, int inputs) {
        ::onnx::NodeProto n;
        n.set_op_type(op);
        for (int i = 0; i < inputs; ++i) n.add_input("i" + std::to_string(i));
        n.add_output("y");
        return n;
    };
    const auto run = [](const ::onnx::NodeProto& n, std::vector<const ConstValue*> in) {
        return evaluate(n, in, std::vector<const std::vector<int64_t>*>(in.size(), nullptr), 17);
    };
    using T = ::onnx::TensorProto;
    // float32: 10 * 0.7f is 7.0f exactly, so Floor gives 7 (in double it would be 6.99999988 -> 6).
    const ConstValue ten = value(T::FLOAT, {10}, {}), seven_tenths = value(T::FLOAT, {static_cast<float>(0.7)}, {});
    const auto prod = run(node("Mul", 2), {&ten, &seven_tenths});
    REQUIRE(prod);
    CHECK((*run(node("Floor", 1), {&(*prod)[0]}))[0].floats[0] == 7.0);
    // Flatten with axis -1 of [2, 3] is [2, 3].
    ::onnx::NodeProto flatten = node("Flatten", 1);
    attr_int(flatten, "axis", -1);
    const ConstValue m23 = value(T::INT64, {1, 2, 3, 4, 5, 6}, {2, 3});
    CHECK((*run(flatten, {&m23}))[0].dims == std::vector<int64_t>{2, 3});
    // Cast wraps to the target width; int64 stays exact beyond 2^53.
    ::onnx::NodeProto cast = node("Cast", 1);
    attr_int(cast, "to", T::UINT8);
    const ConstValue minus_one = value(T::INT64, {-1}, {});
    CHECK((*run(cast, {&minus_one}))[0].ints[0] == 255);
    // INT64_MIN / -1 is refused, not a trap.
    ConstValue min = value(T::INT64, {0}, {});
    min.ints[0] = INT64_MIN;
    CHECK_THROWS_AS(run(node("Div", 2), {&min, &minus_one}), std::invalid_argument);
    CHECK((*run(node("Mod", 2), {&min, &minus_one}))[0].ints[0] == 0);
    // Repeated Unsqueeze axes and a Transpose perm that is not a permutation are refused.
    const ConstValue axes = value(T::INT64, {0, 0}, {2});
    CHECK_THROWS_AS(run(node("Unsqueeze", 2), {&m23, &axes}), std::invalid_argument);
    ::onnx::NodeProto transpose = node("Transpose", 1);
    attr_ints(transpose, "perm", {0, 0});
    CHECK_THROWS_AS(run(transpose, {&m23}), std::invalid_argument);
    // Slice with a negative step: start -5 of a 2-element vector clamps to 0, so one element.
    const ConstValue two = value(T::INT64, {7, 8}, {2}), start = value(T::INT64, {-5}, {1}),
                     end = value(T::INT64, {-1000}, {1}), ax = value(T::INT64, {0}, {1}), step = value(T::INT64, {-1}, {1});
    CHECK((*run(node("Slice", 5), {&two, &start, &end, &ax, &step}))[0].ints == std::vector<int64_t>{7});
    // A huge result is not evaluated, silently.
    const ConstValue big_shape = value(T::INT64, {1000, 1000}, {2});
    CHECK_FALSE(run(node("ConstantOfShape", 1), {&big_shape}));
}

TEST_CASE("onnx control flow: libonnx-testdata's If models import, their constant outputs listed", "[onnx]") {
    const std::string dir = std::string(SASIM_ONNX_TESTDATA) + "/node/";
    for (const char* name : {"test_if", "test_if_seq", "test_if_opt"}) {
        INFO(name);
        ImportOptions o;
        o.input_values = {onnx_import::parse_input_value("cond=1")};
        const auto im = import_model(dir + name + "/model.onnx", o);
        REQUIRE(im.workload.layers.size() == 1);
        CHECK(im.workload.layers[0].op == "constant");
        CHECK(im.warnings.empty());
    }
    // test_if's then branch returns 5 values (its reference output_0.pb is [5]).
    const auto guessed = import_model(dir + "test_if/model.onnx");
    CHECK(guessed.workload.layers.at(0).elements == 5);
    REQUIRE(guessed.warnings.size() == 1);
    CHECK(contains(guessed.warnings[0], "condition 'cond' is not known at import; imported the then branch"));
}
