// SPDX-License-Identifier: MIT
// Which residual adds are fused into the conv or gemm feeding them (workload/fusion.h).
#include <catch2/catch.hpp>

#include "workload/fusion.h"

using namespace sasim;

namespace {

Layer gemm(const std::string& name, std::vector<uint32_t> inputs = {}) {
    Layer l;
    l.name = name;
    l.kind = LayerKind::Gemm;
    l.gemm.m = 8;
    l.gemm.n = 6;
    l.gemm.k = 6;
    l.inputs = std::move(inputs);
    return l;
}

Layer op(const std::string& name, const std::string& what, std::vector<uint32_t> inputs, uint64_t elements = 48) {
    Layer l;
    l.name = name;
    l.kind = LayerKind::Other;
    l.op = what;
    l.elements = elements;
    l.inputs = std::move(inputs);
    return l;
}

std::vector<ResidualAdd> adds_of(std::vector<Layer> layers) {
    Workload wl;
    wl.layers = std::move(layers);
    return residual_adds(wl);
}

}  // namespace

TEST_CASE("fusion: an add is fused into the later of the layers feeding it, through BN and aliases only", "[unit]") {
    // b reads a, the add reads b and a: fused into b, whose shortcut is a (a has two readers: fine).
    std::vector<ResidualAdd> r = adds_of({gemm("a"), gemm("b"), op("add", "add", {1, 0})});
    REQUIRE(r.size() == 1);
    CHECK(r[0].add == 2);
    CHECK(r[0].into == 1);
    CHECK(r[0].shortcut == 0);
    // Both inputs read only by the add: the later one, whichever side of the add it is on.
    r = adds_of({gemm("a"), gemm("b", {kNetworkInput}), op("add", "add", {0, 1})});
    REQUIRE(r.size() == 1);
    CHECK(r[0].into == 1);
    CHECK(r[0].shortcut == 0);
    // Through a BatchNormalization and an identity; the shortcut may be the network's input.
    r = adds_of({gemm("a"), op("bn", "batchnormalization", {0}), op("id", "identity", {1}),
                 op("add", "add", {2, kNetworkInput})});
    REQUIRE(r.size() == 1);
    CHECK(r[0].into == 0);
    CHECK(r[0].shortcut == kNetworkInput);
    // The layer that gets the add is marked.
    Workload wl;
    wl.layers = {gemm("a"), gemm("b"), op("add", "add", {1, 0})};
    fuse_residual_adds(wl);
    CHECK_FALSE(wl.layers[0].residual_add);
    CHECK(wl.layers[1].residual_add);
}

TEST_CASE("fusion: no add is fused where the sums before it are needed or the shapes differ", "[unit]") {
    // A ReLU between: relu(b) + a is not relu(b + a).
    CHECK(adds_of({gemm("a"), gemm("b"), op("relu", "relu", {1}), op("add", "add", {2, 0})}).empty());
    // b's output is read by another layer too.
    CHECK(adds_of({gemm("a"), gemm("b"), op("add", "add", {1, 0}), gemm("c", {1})}).empty());
    // The element count of the add is not b's output.
    CHECK(adds_of({gemm("a"), gemm("b"), op("add", "add", {1, 0}, 47)}).empty());
    // x + x, an add of three inputs, and an op that is not an add.
    CHECK(adds_of({gemm("a"), op("add", "add", {0, 0})}).empty());
    CHECK(adds_of({gemm("a"), gemm("b"), gemm("c"), op("add", "add", {2, 1, 0})}).empty());
    CHECK(adds_of({gemm("a"), gemm("b"), op("mul", "mul", {1, 0})}).empty());
    // Invalid edges (a later layer): nothing.
    CHECK(adds_of({gemm("a", {1}), gemm("b"), op("add", "add", {1, 0})}).empty());
}
