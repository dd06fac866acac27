// SPDX-License-Identifier: MIT
// Whole networks built by make_models.py (ctest fixture onnx_models) against the hand-written traces:
// ResNet-50 layer by layer against workloads/resnet50.json, a BERT-base encoder layer against
// workloads/bert_base_layer.json, and the JSON trace the importer writes reading back unchanged.
#include <catch2/catch.hpp>

#include <algorithm>

#include "model/value_flow.h"
#include "onnx_test_util.h"

using namespace sasim;
using namespace sasim::onnx_test;

namespace {

const fs::path kModels = SASIM_ONNX_MODELS_DIR;
const fs::path kWorkloads = fs::path(SASIM_SOURCE_DIR) / "workloads";

std::vector<Layer> gemm_layers(const Workload& w) {
    std::vector<Layer> out;
    for (const Layer& l : w.layers) {
        if (l.kind != LayerKind::Other) out.push_back(l);
    }
    return out;
}

void check_same_shape(const Layer& a, const Layer& b) {
    INFO(a.name << " vs " << b.name);
    REQUIRE(a.kind == b.kind);
    if (a.kind == LayerKind::Conv) {
        const ConvShape &x = a.conv, &y = b.conv;
        CHECK(x.batch == y.batch);
        CHECK((x.in_h == y.in_h && x.in_w == y.in_w && x.in_c == y.in_c && x.out_c == y.out_c));
        CHECK((x.kernel_h == y.kernel_h && x.kernel_w == y.kernel_w));
        CHECK((x.stride_h == y.stride_h && x.stride_w == y.stride_w));
        CHECK((x.pad_top == y.pad_top && x.pad_bottom == y.pad_bottom && x.pad_left == y.pad_left &&
               x.pad_right == y.pad_right));
        CHECK((x.dilation_h == y.dilation_h && x.dilation_w == y.dilation_w && x.groups == y.groups));
    } else {
        CHECK((a.gemm.batch == b.gemm.batch && a.gemm.m == b.gemm.m && a.gemm.n == b.gemm.n &&
               a.gemm.k == b.gemm.k));
    }
}

// `op` layers of `w` in order, as (name, elements).
std::vector<std::pair<std::string, uint64_t>> others(const Workload& w, const std::string& op) {
    std::vector<std::pair<std::string, uint64_t>> out;
    for (const Layer& l : w.layers) {
        if (l.kind == LayerKind::Other && l.op == op) out.emplace_back(l.name, l.elements);
    }
    return out;
}

}  // namespace

TEST_CASE("onnx networks: ResNet-50 from ONNX equals workloads/resnet50.json layer by layer", "[onnx]") {
    const onnx_import::Imported im = onnx_import::import_model((kModels / "resnet50.onnx").string());
    const Workload hand = load_workload((kWorkloads / "resnet50.json").string());
    CHECK(total_macs(im.workload) == total_macs(hand));
    CHECK(total_macs(im.workload) == 4089184256ULL);
    const auto a = gemm_layers(im.workload), b = gemm_layers(hand);
    REQUIRE(a.size() == 54);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].name == b[i].name);  // make_models.py names nodes as torchvision's modules
        check_same_shape(a[i], b[i]);
    }
    // The non-GEMM ops are listed, not dropped: the hand trace's pooling and adds, with the same sizes.
    CHECK(others(im.workload, "maxpool") == others(hand, "maxpool"));
    CHECK(others(im.workload, "add") == others(hand, "add"));
    CHECK(others(im.workload, "batchnormalization").size() == 53);
    CHECK(others(im.workload, "relu").size() == 49);
    CHECK(others(im.workload, "globalaveragepool") == std::vector<std::pair<std::string, uint64_t>>{{"avgpool", 2048}});
    CHECK(im.workload.layers.size() == 175);  // every node of the graph
    CHECK(im.folded.empty());
    CHECK(im.warnings.empty());

    // The graph's edges: every conv reads the same layer's output as in the hand trace's "inputs" (the
    // ONNX BatchNormalization folded into its conv, the ReLU executed by the conv's STORE), or, like
    // there, generates its input after an op that is not executed.
    const model::ValueFlowPlan pa = model::plan_value_flow(im.workload), pb = model::plan_value_flow(hand);
    const auto producers = [](const Workload& w, const model::ValueFlowPlan& p) {
        std::vector<std::string> out;
        for (size_t i = 0; i < w.layers.size(); ++i) {
            if (w.layers[i].kind == LayerKind::Other) continue;
            const uint32_t q = p.input[i].producer;
            out.push_back(q == kNetworkInput ? "(generated)" : w.layers[q].name);
        }
        return out;
    };
    CHECK(producers(im.workload, pa) == producers(hand, pb));
    CHECK(std::count(pa.fused_as.begin(), pa.fused_as.end(), "weights") == 53);
    // The ReLUs after a conv (33) and after a residual add fused into one (16).
    CHECK(std::count(pa.fused_as.begin(), pa.fused_as.end(), "store") == 49);
    CHECK(std::count(pa.fused_as.begin(), pa.fused_as.end(), "accumulator") == 16);
    CHECK(std::count(pa.fused_as.begin(), pa.fused_as.end(), "alias") == 0);   // the Flatten follows a pool
}

TEST_CASE("onnx networks: BERT-base layer from ONNX equals workloads/bert_base_layer.json", "[onnx]") {
    const std::string path = (kModels / "bert_base_layer.onnx").string();
    // [batch, sequence, 768] is dynamic: refused without --input-shape, naming the input.
    const auto e = import_errors(path);
    REQUIRE(e.size() == 1);
    CHECK(e[0] == path + ": input 'hidden_states' [batch, sequence, 768] has dynamic dimensions 'batch', "
                         "'sequence': give its shape with --input-shape hidden_states:<batch>x<sequence>x768");

    onnx_import::ImportOptions o;
    o.input_shapes = {onnx_import::parse_input_shape("hidden_states:1x128x768")};
    const onnx_import::Imported im = onnx_import::import_model(path, o);
    const Workload hand = load_workload((kWorkloads / "bert_base_layer.json").string());
    CHECK(total_macs(im.workload) == total_macs(hand));
    CHECK(total_macs(im.workload) == 931135488ULL);
    const auto a = gemm_layers(im.workload), b = gemm_layers(hand);
    REQUIRE(a.size() == 8);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].name == b[i].name);
        check_same_shape(a[i], b[i]);
        // Projections (initializer weights) are gemm, QK^T and AV (two activations) matmul, as in the trace.
        CHECK(a[i].op == (a[i].gemm.batch == 12 ? "matmul" : "gemm"));
    }
    CHECK(others(im.workload, "softmax") == others(hand, "softmax"));
    CHECK(others(im.workload, "layernormalization").size() == 1);
    CHECK(others(im.workload, "reducemean").size() == 2);  // the second LayerNorm, written out
    // The Shape -> Gather -> Unsqueeze -> Concat head-shape subgraph is computed from static shapes.
    CHECK(im.folded.size() == 7);
}

TEST_CASE("onnx networks: the JSON trace reads back as the imported network", "[onnx]") {
    const onnx_import::Imported im = onnx_import::import_model((kModels / "resnet50.onnx").string());
    TempDir t;
    const std::string json = onnx_import::to_json_trace(im);
    const Workload back = load_workload(t.write("resnet50.json", json));
    CHECK(back.name == "resnet50");
    REQUIRE(back.layers.size() == im.workload.layers.size());
    for (size_t i = 0; i < back.layers.size(); ++i) {
        const Layer &x = back.layers[i], &y = im.workload.layers[i];
        CHECK(x.name == y.name);
        CHECK(layer_inputs(back, i) == layer_inputs(im.workload, i));  // the graph's edges, "inputs" where needed
        REQUIRE(x.kind == y.kind);
        if (x.kind == LayerKind::Other) {
            CHECK((x.op == y.op && x.elements == y.elements));
        } else {
            check_same_shape(x, y);
        }
    }
    CHECK(contains(json, R"({"name": "conv1", "type": "conv", "in_h": 224, "in_w": 224, "in_c": 3, "out_c": 64, )"
                         R"("kernel": 7, "stride": 2, "padding": 3, "comment": "ONNX Conv"})"));
    CHECK(contains(onnx_import::summary(im), "175 layers: 53 conv, 1 gemm, 0 matmul (4,089,184,256 MACs), 121 not "
                                             "simulated"));
}
