// SPDX-License-Identifier: MIT
// Every Conv, ConvTranspose, Gemm and MatMul model of Debian's libonnx-testdata (ONNX's own backend node
// tests, plus the PyTorch-converted ones) imports, and each GEMM-family layer matches the reference:
// its output size equals the shape of the reference output tensor (test_data_set_0/output_0.pb, computed
// by ONNX's reference implementation), and its MACs equal output elements x reduction length, computed
// here from the model's declared input shapes, independently of the importer.
#include <regex>

#include <catch2/catch.hpp>

#include "onnx_test_util.h"

using namespace sasim;
using namespace sasim::onnx_test;

namespace {

using Dims = std::vector<int64_t>;

const fs::path kTestdata = SASIM_ONNX_TESTDATA;

int64_t product(const Dims& d, size_t from = 0) {
    int64_t p = 1;
    for (size_t i = from; i < d.size(); ++i) p *= d[i];
    return p;
}

::onnx::ModelProto read_model(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    ::onnx::ModelProto m;
    REQUIRE(m.ParseFromIstream(&in));
    return m;
}

Dims tensor_dims(const fs::path& pb) {
    std::ifstream in(pb, std::ios::binary);
    ::onnx::TensorProto t;
    REQUIRE(t.ParseFromIstream(&in));
    return Dims(t.dims().begin(), t.dims().end());
}

// The declared shape of a graph input or initializer.
Dims declared(const ::onnx::GraphProto& g, const std::string& name) {
    for (const auto& init : g.initializer()) {
        if (init.name() == name) return Dims(init.dims().begin(), init.dims().end());
    }
    for (const auto& in : g.input()) {
        if (in.name() != name) continue;
        Dims d;
        for (const auto& dim : in.type().tensor_type().shape().dim()) d.push_back(dim.dim_value());
        return d;
    }
    FAIL("no declared shape for " << name);
    return {};
}

int64_t int_attr(const ::onnx::NodeProto& n, const std::string& name) {
    for (const auto& a : n.attribute()) {
        if (a.name() == name) return a.i();
    }
    return 0;
}

std::vector<fs::path> model_dirs() {
    const std::vector<std::pair<std::string, std::regex>> suites = {
        {"node", std::regex("test_(basic_)?(conv|convinteger|convtranspose|gemm|matmul|matmulinteger|qlinearconv|"
                            "qlinearmatmul)(_.*)?")},
        {"pytorch-converted", std::regex("test_(Conv[123]d|ConvTranspose2d|Linear)(_.*)?")},
        {"pytorch-operator", std::regex("test_operator_(conv|convtranspose|addmm|mm)")},
    };
    std::vector<fs::path> dirs;
    for (const auto& [suite, pattern] : suites) {
        for (const auto& entry : fs::directory_iterator(kTestdata / suite)) {
            if (std::regex_match(entry.path().filename().string(), pattern)) dirs.push_back(entry.path());
        }
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

// Checks the layers of the GEMM-family node `n`, whose output is the model's reference output `y`.
void check_node(const ::onnx::GraphProto& g, const ::onnx::NodeProto& n, const Dims& y,
                const onnx_import::Imported& im) {
    const std::string name = !n.name().empty() ? n.name() : n.output(0);
    const auto it = std::find_if(im.workload.layers.begin(), im.workload.layers.end(),
                                 [&](const Layer& l) { return l.name == name; });
    REQUIRE(it != im.workload.layers.end());
    const Layer& l = *it;
    const std::string& op = n.op_type();
    const uint64_t out = static_cast<uint64_t>(product(y));
    if (op == "Conv" || op == "ConvInteger" || op == "QLinearConv") {
        const Dims w = declared(g, n.input(op == "QLinearConv" ? 3 : 1));
        REQUIRE(l.kind == LayerKind::Conv);
        CHECK(l.gemm_view().macs() == out * static_cast<uint64_t>(product(w, 1)));  // C/group * kernel
        const ConvShape& c = l.conv;
        CHECK(c.out_c == y[1]);
        CHECK(c.out_w() == y.back());
        if (y.size() == 4) CHECK((c.batch == y[0] && c.out_h() == y[2]));
        if (y.size() == 5) CHECK((c.batch == y[0] * y[2] && c.out_h() == y[3]));
        if (y.size() == 3) CHECK((c.batch == y[0] && c.out_h() == 1));
    } else if (op == "ConvTranspose") {
        const Dims x = declared(g, n.input(0)), w = declared(g, n.input(1));
        REQUIRE(l.kind == LayerKind::Gemm);
        // Every input element meets every tap of every output channel of its group.
        CHECK(l.gemm_view().macs() == static_cast<uint64_t>(product(x) * product(w, 1)));
        const Layer& col2im = *(it + 1);
        CHECK(col2im.op == "col2im");
        CHECK(col2im.elements == out);
    } else {
        const bool gemm = op == "Gemm";
        const Dims a = declared(g, n.input(0));
        const int64_t k = gemm ? a[int_attr(n, "transA") != 0 ? 0 : 1] : a.back();
        REQUIRE(l.kind == LayerKind::Gemm);
        CHECK(l.gemm_view().macs() == out * static_cast<uint64_t>(k));
        CHECK(uint64_t{l.gemm.batch} * l.gemm.m * l.gemm.n == out);
        if (gemm) CHECK((l.gemm.m == y[0] && l.gemm.n == y[1] && l.gemm.k == k));
    }
}

}  // namespace

TEST_CASE("onnx testdata: every conv/gemm/matmul model imports and matches the reference output", "[onnx]") {
    REQUIRE(fs::is_directory(kTestdata));  // Debian's libonnx-testdata (scripts/deps.sh installs it)
    const std::vector<fs::path> dirs = model_dirs();
    size_t node_models = 0, checked = 0;
    for (const fs::path& dir : dirs) {
        INFO(dir.string());
        node_models += dir.parent_path().filename() == "node" ? 1 : 0;
        const fs::path model = dir / "model.onnx";
        const onnx_import::Imported im = onnx_import::import_model(model.string());
        const ::onnx::ModelProto m = read_model(model);
        const Dims y = tensor_dims(dir / "test_data_set_0" / "output_0.pb");
        for (const auto& n : m.graph().node()) {
            static const std::vector<std::string> kOps = {"Conv", "ConvInteger", "QLinearConv", "ConvTranspose",
                                                          "Gemm", "MatMul", "MatMulInteger", "QLinearMatMul"};
            if (std::find(kOps.begin(), kOps.end(), n.op_type()) == kOps.end()) continue;
            if (n.output(0) != m.graph().output(0).name()) continue;  // only the node writing the reference
            check_node(m.graph(), n, y, im);
            ++checked;
        }
        // The trace it would write reads back as the same network.
        TempDir t;
        const Workload back = load_workload(t.write("back.json", onnx_import::to_json_trace(im)));
        CHECK(total_macs(back) == total_macs(im.workload));
    }
    CHECK(node_models >= 37);    // ONNX 1.12: 37 node tests of these ops
    CHECK(dirs.size() >= 71);    // plus 30 PyTorch-converted and 4 PyTorch-operator models
    CHECK(checked == dirs.size());
}
