// SPDX-License-Identifier: MIT
// Graph edges ("inputs" in JSON traces, Layer::inputs) and the value-flow plan (model/value_flow.h): which
// layer reads which stored output, which ReLU a conv's STORE executes, and the calibrated shift.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/errors.h"
#include "compiler/compiler.h"
#include "compiler/instruction_source.h"
#include "compiler/layout.h"
#include "config/config.h"
#include "model/functional.h"
#include "model/reference.h"
#include "model/tensors.h"
#include "model/value_flow.h"
#include "test_configs.h"
#include "test_layers.h"
#include "workload/parsers.h"
#include "workload/workload.h"

using namespace sasim;

namespace {

// A 3x3 stride-1 conv of an h x w x c input to oc channels, padded by `pad` on every side.
Layer square_conv(uint32_t h, uint32_t w, uint32_t c, uint32_t oc, uint32_t pad, uint32_t groups) {
    ConvSpec s;
    s.h = h;
    s.w = w;
    s.c = c;
    s.oc = oc;
    s.pt = s.pb = s.pl = s.pr = pad;
    s.groups = groups;
    return conv_layer(s);
}

Workload parse(const std::string& layers) {
    return workload_detail::parse_json_trace("t.json", R"({"name": "t", "layers": [)" + layers + "]}");
}

// The first error line parsing `layers` gives ("" when it parses).
std::string parse_error(const std::string& layers) {
    try {
        parse(layers);
    } catch (const InputError& e) {
        return e.lines().at(0);
    }
    return "";
}

const char* kConvA = R"({"name": "a", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 4, "out_c": 8, "kernel": 3, "padding": 1})";
const char* kConvB = R"({"name": "b", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 8, "out_c": 8, "kernel": 1})";

}  // namespace

TEST_CASE("graph: inputs default to the previous layer and resolve names", "[graph]") {
    const Workload w = parse(std::string(kConvA) + "," + kConvB + R"(,
        {"name": "pool", "type": "maxpool", "elements": 128, "inputs": ["a"]},
        {"name": "add", "type": "add", "elements": 512, "inputs": ["b", "$input"]})");
    REQUIRE(w.layers.size() == 4);
    CHECK(w.layers[0].inputs.empty());
    CHECK(layer_inputs(w, 0) == std::vector<uint32_t>{kNetworkInput});
    CHECK(layer_inputs(w, 1) == std::vector<uint32_t>{0});
    CHECK(w.layers[2].inputs == std::vector<uint32_t>{0});
    CHECK(w.layers[3].inputs == std::vector<uint32_t>{1, kNetworkInput});
    CHECK(validate_inputs(w).empty());
}

TEST_CASE("graph: a trace written with its inputs reads back the same edges", "[graph]") {
    const Workload w = parse(std::string(kConvA) + "," + kConvB + R"(,
        {"name": "c", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 4, "out_c": 8, "kernel": 1, "inputs": ["$input"]},
        {"name": "add", "type": "add", "elements": 512, "inputs": ["b", "c"]},
        {"name": "d", "type": "gemm", "m": 4, "n": 4, "k": 4, "repeat": 2, "inputs": ["a"]})");
    const std::string text = to_json_trace(w, "");
    CHECK(text.find(R"("inputs": ["$input"])") != std::string::npos);
    CHECK(text.find(R"("name": "b", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 8, "out_c": 8, "kernel": 1})") !=
          std::string::npos);  // the default is left out
    const Workload back = workload_detail::parse_json_trace("back.json", text);
    REQUIRE(back.layers.size() == w.layers.size());
    for (size_t i = 0; i < w.layers.size(); ++i) {
        INFO(w.layers[i].name);
        CHECK(layer_inputs(back, i) == layer_inputs(w, i));
    }
    CHECK(layer_inputs(w, 5) == std::vector<uint32_t>{4});  // the second copy of a repeat reads the first
}

TEST_CASE("graph: bad inputs name the layer and the problem", "[graph]") {
    CHECK(parse_error(std::string(kConvA) + R"(, {"name": "b", "type": "relu", "elements": 4, "inputs": ["nowhere"]})") ==
          "t.json: layers[1] (b): inputs: no layer is named 'nowhere'");
    CHECK(parse_error(std::string(kConvA) + R"(, {"name": "b", "type": "relu", "elements": 4, "inputs": ["aa"]})") ==
          "t.json: layers[1] (b): inputs: no layer is named 'aa' (did you mean 'a'?)");
    CHECK(parse_error(R"({"name": "b", "type": "relu", "elements": 4, "inputs": ["a"]}, )" + std::string(kConvA)) ==
          "t.json: layers[0] (b): inputs: 'a' is not an earlier layer: a layer reads the outputs of layers listed "
          "before it");
    CHECK(parse_error(std::string(kConvA) + R"(, {"name": "b", "type": "add", "elements": 4, "inputs": ["a", "a"]})") ==
          "t.json: layers[1] (b): inputs: 'a' is listed twice");
    CHECK(parse_error(R"({"name": "b", "type": "relu", "elements": 4, "inputs": "a"})").find(
              "inputs: must be a non-empty array") != std::string::npos);
    CHECK(parse_error(R"({"name": "b", "type": "relu", "elements": 4, "inputs": []})").find(
              "inputs: must be a non-empty array") != std::string::npos);
    CHECK(parse_error(R"({"name": "b", "type": "relu", "elements": 4, "inputs": [3]})") ==
          "t.json: layers[0] (b): inputs: element 0 must be a layer name (got 3)");
    CHECK(parse_error(R"({"name": "$input", "type": "relu", "elements": 4})") ==
          "t.json: layers[0] ($input): name: '$input' is reserved: in \"inputs\" it names the network's input");
    Workload w = parse(kConvA);
    w.layers[0].inputs = {0};
    REQUIRE(validate_inputs(w).size() == 1);
    CHECK(validate_inputs(w)[0].find("inputs: layer 0 is not an earlier layer") != std::string::npos);
}

TEST_CASE("value flow: who reads which output, and why an input is generated", "[graph]") {
    const Workload w = parse(std::string(kConvA) + "," + kConvB + R"(,
        {"name": "relu", "type": "relu", "elements": 512},
        {"name": "c", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 8, "out_c": 4, "kernel": 1},
        {"name": "pool", "type": "maxpool", "elements": 64, "inputs": ["c"]},
        {"name": "d", "type": "conv", "in_h": 4, "in_w": 4, "in_c": 4, "out_c": 4, "kernel": 1},
        {"name": "e", "type": "conv", "in_h": 4, "in_w": 4, "in_c": 8, "out_c": 4, "kernel": 1, "inputs": ["d"]},
        {"name": "fc", "type": "gemm", "m": 1, "n": 10, "k": 256, "inputs": ["c", "b"]},
        {"name": "g", "type": "gemm", "m": 1, "n": 3, "k": 10})");
    const model::ValueFlowPlan p = model::plan_value_flow(w);
    CHECK(p.input[0].producer == kNetworkInput);
    CHECK(p.input[0].generated_why == "the network's input");
    CHECK(p.input[1].producer == 0);
    CHECK(p.fused_into[2] == 1);  // the ReLU after conv b is b's STORE
    CHECK(p.input[3].producer == 1);  // c reads the ReLU, that is b's stored output
    CHECK(p.input[5].generated_why == "it reads 'pool' (maxpool), which is not executed");
    CHECK(p.input[6].generated_why == "it reads 'd', whose output (16 x 4) is not its input (16 x 8) reshaped");
    CHECK(p.input[7].producer == 3);  // a flatten: 8x8x4 as one row of 256
    CHECK(p.input[7].second_operand_note.find("reads 'b' as its second operand") != std::string::npos);
    CHECK(p.input[8].producer == 7);
    CHECK(p.fused_into[4] == kNetworkInput);
    CHECK(p.last_reader[0] == 1);
    CHECK(p.last_reader[1] == 3);
    CHECK(p.last_reader[3] == 7);
    CHECK(p.last_reader[5] == kNetworkInput);  // e generated its input
    CHECK(p.last_reader[8] == kNetworkInput);
}

TEST_CASE("value flow: ReLU6 after a conv is its STORE, a clip is not", "[graph]") {
    const Workload w = parse(std::string(kConvA) + R"(,
        {"name": "r6", "type": "relu6", "elements": 512},
        {"name": "b", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 8, "out_c": 8, "kernel": 1},
        {"name": "clip", "type": "clip", "elements": 512},
        {"name": "c", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 8, "out_c": 8, "kernel": 1})");
    const model::ValueFlowPlan p = model::plan_value_flow(w);
    CHECK(p.fused_as[1] == "store");
    CHECK(p.input[2].producer == 0);
    CHECK(p.fused_into[3] == kNetworkInput);
    CHECK(p.input[4].generated_why == "it reads 'clip' (clip), which is not executed");
}

TEST_CASE("value flow: a ReLU after a gemm is not executed", "[graph]") {
    const Workload w = parse(R"({"name": "g", "type": "gemm", "m": 4, "n": 4, "k": 4},
        {"name": "relu", "type": "relu", "elements": 16},
        {"name": "h", "type": "gemm", "m": 4, "n": 4, "k": 4})");
    const model::ValueFlowPlan p = model::plan_value_flow(w);
    CHECK(p.fused_into[1] == kNetworkInput);
    CHECK(p.input[2].generated_why == "it reads 'relu' (relu), which is not executed");
}

TEST_CASE("value flow: the calibrated shift is requant_shift's for uniform operands", "[graph]") {
    for (uint32_t bits : {8u, 16u}) {
        const double u = model::uniform_operand_rms(bits);
        CHECK(u == Approx(std::ldexp(1.0, static_cast<int>(bits - 1)) / std::sqrt(3.0)).epsilon(0.01));
        for (uint64_t k : {1, 9, 64, 576, 4608}) {
            INFO("bits " << bits << " k " << k);
            CHECK(model::calibrated_shift(k, u, u, bits) == requant_shift(k, bits));
        }
        CHECK(model::calibrated_shift(64, 0, u, bits) == 0);
        CHECK(model::calibrated_shift(64, u / 4, u, bits) == requant_shift(64, bits) - 2);
    }
    // The operands generate_tensors draws have that root mean square.
    model::CanonicalTensors t;
    generate_tensors(square_conv(16, 16, 32, 32, 0, 1), 8, 7, t);
    CHECK(model::rms(t.input) == Approx(model::uniform_operand_rms(8)).epsilon(0.02));
}

TEST_CASE("value flow: read_outputs gives the stored output in canonical order", "[graph]") {
    // A replayed layer's outputs, read back, are the reference's requantized, for each dataflow.
    for (Dataflow df : {Dataflow::WS, Dataflow::OS, Dataflow::IS}) {
        const Config cfg = small_config(df, 4, 5);
        for (const Layer& layer : {square_conv(7, 6, 5, 9, 1, 1),
                                   square_conv(6, 6, 8, 8, 1, 8)}) {
            INFO(to_string(df) << " " << describe_shape(layer));
            auto src = stream_layer(layer, cfg);
            model::CanonicalTensors t;
            model::generate_tensors(layer, 8, 3, t);
            model::FunctionalMachine machine(cfg);
            std::vector<uint8_t> image;
            model::replay_layer_values(layer, cfg, machine, *src, t, false, nullptr, &image);
            const std::vector<int16_t> got = model::read_outputs(src->layout(), image, 8);
            const std::vector<int32_t> ref = model::reference_outputs(layer, t);
            REQUIRE(got.size() == ref.size());
            size_t bad = 0;
            for (size_t i = 0; i < ref.size(); ++i) {
                bad += got[i] != model::reference_requantize(ref[i], src->layout().shift, src->layout().relu, 8);
            }
            CHECK(bad == 0);
        }
    }
}

TEST_CASE("value flow: the output digest of stored bytes equals the digest value by value", "[graph]") {
    // add_bytes mixes eight bytes at a time; any split of the bytes gives the digest of add() per value.
    std::vector<uint8_t> bytes(206);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 37 + 11);
    for (uint32_t vb : {1u, 2u}) {
        model::OutputDigest one(vb);
        for (size_t i = 0; i < bytes.size(); i += vb) {
            one.add(vb == 1 ? static_cast<int8_t>(bytes[i]) : static_cast<int16_t>(bytes[i] | bytes[i + 1] << 8));
        }
        for (size_t cut : {0, 2, 8, 10, 100, 204, 206}) {
            model::OutputDigest rows(vb);
            rows.add_bytes(bytes.data(), cut);
            rows.add_bytes(bytes.data() + cut, bytes.size() - cut);
            INFO("value bytes " << vb << " cut " << cut);
            CHECK(rows.value() == one.value());
        }
        model::OutputDigest shorter(vb);  // one value less: another digest
        shorter.add_bytes(bytes.data(), bytes.size() - vb);
        CHECK(shorter.value() != one.value());
    }
    model::OutputDigest three(1), four(1);  // a trailing zero byte in the last partial word counts
    three.add_bytes(bytes.data(), 3);
    four.add_bytes(bytes.data(), 3);
    four.add(0);
    CHECK(three.value() != four.value());
    model::OutputDigest one(1), other(1);  // one value changed: another digest
    one.add_bytes(bytes.data(), bytes.size());
    bytes[150] ^= 1;
    other.add_bytes(bytes.data(), bytes.size());
    CHECK(other.value() != one.value());
}
