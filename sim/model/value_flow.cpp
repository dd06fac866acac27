// SPDX-License-Identifier: MIT
#include "model/value_flow.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "common/errors.h"
#include "workload/fusion.h"

namespace sasim::model {

namespace {

// A tensor as [rows][cols] in canonical order (model/tensors.h, model/reference.h).
struct Matrix {
    uint64_t rows = 0, cols = 0;
};

Matrix output_matrix(const Layer& l) {
    if (l.kind == LayerKind::Conv) {
        return {uint64_t{l.conv.batch} * l.conv.out_h() * l.conv.out_w(), l.conv.out_c};
    }
    return {uint64_t{l.gemm.batch} * l.gemm.m, l.gemm.n};
}

Matrix input_matrix(const Layer& l) {
    if (l.kind == LayerKind::Conv) return {uint64_t{l.conv.batch} * l.conv.in_h * l.conv.in_w, l.conv.in_c};
    return {uint64_t{l.gemm.batch} * l.gemm.m, l.gemm.k};
}

std::string describe(const Matrix& m) { return fmt::format("{} x {}", m.rows, m.cols); }

bool executed(const Layer& l) { return l.kind != LayerKind::Other; }

}  // namespace

ValueFlowPlan plan_value_flow(const Workload& wl) {
    const size_t n = wl.layers.size();
    ValueFlowPlan plan;
    plan.input.resize(n);
    plan.shortcut.resize(n);
    plan.fused_into.assign(n, kNetworkInput);
    plan.fused_as.assign(n, "");
    plan.last_reader.assign(n, kNetworkInput);
    // The executed layer whose stored values a layer's output is (itself, or the conv a ReLU is fused into).
    auto value_of = [&](uint32_t p) { return plan.fused_into[p] != kNetworkInput ? plan.fused_into[p] : p; };
    // Residual adds fused into the layers the workload marked (Layer::residual_add), by add and by layer.
    std::vector<const ResidualAdd*> add_of(n, nullptr), fused_add(n, nullptr);
    const std::vector<ResidualAdd> adds = residual_adds(wl);
    for (const ResidualAdd& r : adds) {
        if (!wl.layers[r.into].residual_add) continue;
        add_of[r.add] = &r;
        fused_add[r.into] = &r;
    }
    for (size_t i = 0; i < n; ++i) {
        const Layer& layer = wl.layers[i];
        const std::vector<uint32_t> ins = layer_inputs(wl, i);
        if (add_of[i] != nullptr) {
            plan.fused_into[i] = add_of[i]->into;
            plan.fused_as[i] = "accumulator";
            continue;
        }
        if (fused_add[i] != nullptr) {
            // The shortcut: the stored output of the layer it is (through ops fused into that layer), when that
            // has this layer's output shape; else generated.
            InputSource& sc = plan.shortcut[i];
            const uint32_t s = fused_add[i]->shortcut;
            const uint32_t v = s == kNetworkInput ? kNetworkInput : value_of(s);
            if (s == kNetworkInput) {
                sc.generated_why = "the network's input";
            } else if (!executed(wl.layers[v])) {
                sc.generated_why = fmt::format("it is the output of '{}' ({}), which is not executed", wl.layers[v].name,
                                               wl.layers[v].op);
            } else if (const Matrix a = output_matrix(wl.layers[v]), b = output_matrix(layer);
                       a.rows != b.rows || a.cols != b.cols) {
                sc.generated_why = fmt::format("it is the output of '{}' ({}), not of this layer's output shape ({})",
                                               wl.layers[v].name, describe(a), describe(b));
            } else {
                sc.producer = v;
                plan.last_reader[v] = static_cast<uint32_t>(i);
            }
        }
        if (!executed(layer)) {
            const uint32_t v = ins[0] == kNetworkInput ? kNetworkInput : value_of(ins[0]);
            const bool after_conv = ins.size() == 1 && v != kNetworkInput && wl.layers[v].kind == LayerKind::Conv;
            const bool after_executed = ins.size() == 1 && v != kNetworkInput && executed(wl.layers[v]);
            const bool relu = layer.op == "relu" || layer.op == "relu6";
            const char* how = after_conv && relu                               ? "store"
                              : after_conv && layer.op == "batchnormalization" ? "weights"
                              : after_executed && layer.op == "add"            ? "bias"
                              : after_executed && is_alias_op(layer.op) ? "alias"
                                                                        : "";
            if (*how != '\0') {
                plan.fused_into[i] = v;
                plan.fused_as[i] = how;
            }
            continue;
        }
        InputSource& src = plan.input[i];
        if (ins.size() > 1) {
            const std::string second = ins[1] == kNetworkInput ? std::string("the network's input")
                                                               : "'" + wl.layers[ins[1]].name + "'";
            src.second_operand_note = fmt::format("reads {} as its second operand, which is generated (the "
                                                  "weight operand is always a generated tensor)", second);
        }
        if (ins[0] == kNetworkInput) {
            src.generated_why = "the network's input";
            continue;
        }
        const uint32_t p = value_of(ins[0]);
        const Layer& prod = wl.layers[p];
        if (!executed(prod)) {
            src.generated_why = fmt::format("it reads '{}' ({}), which is not executed", prod.name, prod.op);
            continue;
        }
        const Matrix out = output_matrix(prod), in = input_matrix(layer);
        const bool same_size = out.rows * out.cols == in.rows * in.cols;
        // A gemm may read whole rows of a conv's output as one row (a flatten of NHWC pixels).
        const bool flatten = layer.kind == LayerKind::Gemm && prod.kind == LayerKind::Conv && in.cols % out.cols == 0;
        const bool columns_fit = in.cols == out.cols || flatten;
        if (!same_size || !columns_fit) {
            src.generated_why = fmt::format("it reads '{}', whose output ({}) is not its input ({}) reshaped",
                                            prod.name, describe(out), describe(in));
            continue;
        }
        src.producer = p;
        plan.last_reader[p] = static_cast<uint32_t>(i);
    }
    return plan;
}

uint32_t calibrated_shift(uint64_t k, double input_rms, double weight_rms, uint32_t operand_bits) {
    const double spread = std::sqrt(static_cast<double>(k)) * input_rms * weight_rms;
    const double target = std::ldexp(1.0, static_cast<int>(operand_bits - 3));
    if (!(spread > target)) return 0;
    return static_cast<uint32_t>(std::min<long>(31, std::lround(std::log2(spread / target))));
}

double rms(const std::vector<int16_t>& v) {
    if (v.empty()) return 0;
    uint64_t sum = 0;  // at most 2^30 per value: exact for up to 2^34 values
    for (const int16_t x : v) sum += static_cast<uint64_t>(int64_t{x} * x);
    return std::sqrt(static_cast<double>(sum) / static_cast<double>(v.size()));
}

double uniform_operand_rms(uint32_t bits) {
    // Integers uniform over [-h, h-1]: the mean square is (sum of x^2) / 2h = (2h^2 + 1) / 6.
    const double h = std::ldexp(1.0, static_cast<int>(bits - 1));
    return std::sqrt((2 * h * h + 1) / 6);
}

NetworkValues::NetworkValues(const Workload& wl, uint32_t operand_bits, uint64_t run_seed, bool flow)
    : m_layers(wl.layers), m_bits(operand_bits), m_seed(run_seed), m_kept(wl.layers.size()) {
    if (flow) {
        m_plan = plan_value_flow(wl);
    } else {
        m_plan.input.resize(wl.layers.size());
        for (InputSource& s : m_plan.input) s.generated_why = "layers are isolated (--layer-barrier)";
        m_plan.shortcut = m_plan.input;
        m_plan.fused_into.assign(wl.layers.size(), kNetworkInput);
        m_plan.fused_as.assign(wl.layers.size(), "");
        m_plan.last_reader.assign(wl.layers.size(), kNetworkInput);
        // The adds still execute, each on its generated shortcut.
        const std::vector<uint32_t> add_into = fused_add_into(wl);
        for (size_t i = 0; i < add_into.size(); ++i) {
            if (add_into[i] == kNetworkInput) continue;
            m_plan.fused_into[i] = add_into[i];
            m_plan.fused_as[i] = "accumulator";
        }
    }
}

KeptOutput make_kept_output(std::vector<int16_t> values) {
    KeptOutput k;
    k.rms = rms(values);
    k.values = std::make_shared<const std::vector<int16_t>>(std::move(values));
    return k;
}

namespace {

// `l` with its STORE shift calibrated on its input `in`.
void calibrate(Layer& l, const KeptOutput& in, uint32_t bits) {
    l.store_shift = calibrated_shift(l.gemm_view().k, in.rms, uniform_operand_rms(bits), bits);
}

}  // namespace

std::shared_future<KeptOutput> NetworkValues::producer_output(size_t index) const {
    return kept_output(index, m_plan.input.at(index).producer);
}

std::shared_future<KeptOutput> NetworkValues::kept_output(size_t index, uint32_t p) const {
    if (p == kNetworkInput) return {};
    if (!m_kept[p].valid()) {
        throw SimulationError(fmt::format("layer {}: the output of '{}' it reads was not kept", m_layers[index].name,
                                          m_layers[p].name));
    }
    return m_kept[p];
}

const Layer& NetworkValues::layer(size_t index, const std::function<void()>& poll) {
    Layer& l = m_layers.at(index);
    if (const std::shared_future<KeptOutput> in = producer_output(index); in.valid()) {
        while (poll && in.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) poll();
        calibrate(l, in.get(), m_bits);
    }
    // The shortcut too, so that make_operands then finds it ready (a stop request is heard while it waits).
    if (index < m_plan.shortcut.size()) {
        const std::shared_future<KeptOutput> sc = kept_output(index, m_plan.shortcut[index].producer);
        while (sc.valid() && poll && sc.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) poll();
    }
    return l;
}

std::function<Layer()> NetworkValues::layer_later(size_t index) const {
    return [l = m_layers.at(index), in = producer_output(index), bits = m_bits]() mutable {
        if (in.valid()) calibrate(l, in.get(), bits);
        return l;
    };
}

NetworkValues::OperandMaker NetworkValues::make_operands(size_t index) const {
    const std::shared_future<KeptOutput> input = producer_output(index);
    const std::shared_future<KeptOutput> shortcut =
        index < m_plan.shortcut.size() ? kept_output(index, m_plan.shortcut[index].producer) : std::shared_future<KeptOutput>();
    const Layer* layer = &m_layers[index];  // its shape and name only: they stay
    const uint32_t bits = m_bits;
    const uint64_t seed = layer_seed(m_seed, static_cast<uint32_t>(index), layer->name);
    return [layer, bits, seed, input, shortcut](CanonicalTensors& t) {
        // What a producer provides is not drawn.
        generate_tensors(*layer, bits, seed, t, !input.valid(), !shortcut.valid());
        auto take = [&](const std::shared_future<KeptOutput>& from, std::vector<int16_t>& to, uint64_t elements,
                        const char* what) {
            if (!from.valid()) return;
            const std::vector<int16_t>& v = *from.get().values;
            if (v.size() != elements) {
                throw SimulationError(fmt::format("layer {}: its {} producer stored {} values, it reads {}", layer->name,
                                                  what, v.size(), elements));
            }
            to = v;
        };
        take(input, t.input, input_elements(*layer), "input");
        take(shortcut, t.shortcut, shortcut_elements(*layer), "shortcut");
    };
}

bool NetworkValues::output_needed(size_t index) const { return m_plan.last_reader[index] != kNetworkInput; }

void NetworkValues::keep_output(size_t index, std::vector<int16_t> values) {
    std::promise<KeptOutput> p;
    p.set_value(make_kept_output(std::move(values)));
    m_kept.at(index) = p.get_future().share();
    m_kept_list.push_back(index);
}

std::shared_ptr<std::promise<KeptOutput>> NetworkValues::promise_output(size_t index) {
    auto p = std::make_shared<std::promise<KeptOutput>>();
    m_kept.at(index) = p->get_future().share();
    m_kept_list.push_back(index);
    return p;
}

void NetworkValues::layer_done(size_t index) {
    const auto drop = [&](size_t p) {
        if (m_plan.last_reader[p] > index) return false;
        m_kept[p] = {};
        return true;
    };
    m_kept_list.erase(std::remove_if(m_kept_list.begin(), m_kept_list.end(), drop), m_kept_list.end());
}

}  // namespace sasim::model
