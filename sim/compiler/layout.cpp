// SPDX-License-Identifier: MIT
#include "compiler/layout.h"

#include <cmath>

namespace sasim {
namespace {

uint64_t align64(uint64_t x) { return (x + 63) & ~uint64_t{63}; }

}  // namespace

uint32_t requant_shift(uint64_t k, uint32_t operand_bits) {
    // Uniform random operands over the full signed range have a standard deviation of about
    // 2^(bits-1)/sqrt(3); a sum of k products then has a deviation of about 2^(2*bits-2)/3*sqrt(k).
    // Shift so that deviation lands near a quarter of the output range.
    const double spread = std::ldexp(1.0, static_cast<int>(2 * operand_bits - 2)) / 3.0 *
                          std::sqrt(static_cast<double>(k));
    const double target = std::ldexp(1.0, static_cast<int>(operand_bits - 3));
    const double s = std::log2(spread / target);
    return s <= 0 ? 0u : static_cast<uint32_t>(std::lround(s));
}

uint64_t compulsory_bytes(const LayerLayout& lay) {
    const GemmView& v = lay.layer_view;
    return lay.input_bytes + v.count * v.n * v.k * lay.operand_bytes + lay.output_bytes + lay.residual_bytes;
}

LayerLayout plan_layout(const Layer& layer, const Config& cfg, uint32_t packed_groups) {
    LayerLayout lay;
    lay.view = layer.gemm_view();
    lay.layer_view = lay.view;
    if (packed_groups > 1 && layer.kind == LayerKind::Conv && lay.view.count % packed_groups == 0) {
        // P groups per GEMM: P times the channels on both sides, P times the filter positions' width.
        lay.packed_groups = packed_groups;
        lay.view.count /= packed_groups;
        lay.view.n *= packed_groups;
        lay.view.k *= packed_groups;
    }
    lay.operand_bytes = cfg.derived.operand_bytes;
    lay.output_transposed = cfg.array.dataflow == Dataflow::IS;
    const uint64_t ob = lay.operand_bytes;
    const GemmView& v = lay.view;

    lay.input_addr = 0;
    if (layer.kind == LayerKind::Conv) {
        const ConvShape& c = layer.conv;
        lay.is_conv = true;
        ConvGeometry g;
        g.input_addr = lay.input_addr;
        g.batch = c.batch;
        g.in_h = c.in_h;
        g.in_w = c.in_w;
        g.in_c = c.in_c;
        g.out_h = c.out_h();
        g.out_w = c.out_w();
        g.kernel_w = c.kernel_w;
        g.stride_h = c.stride_h;
        g.stride_w = c.stride_w;
        g.pad_top = c.pad_top;
        g.pad_left = c.pad_left;
        g.dilation_h = c.dilation_h;
        g.dilation_w = c.dilation_w;
        lay.conv = g;
        lay.conv_in_c_per_group = c.in_c / c.groups * lay.packed_groups;
        lay.conv_positions = c.kernel_h * c.kernel_w;
        lay.input_bytes = uint64_t{c.batch} * c.in_h * c.in_w * c.in_c * ob;
        lay.relu = true;
    } else {
        lay.input_bytes = v.count * v.m * v.k * ob;
    }
    lay.weights_addr = align64(lay.input_addr + lay.input_bytes);
    lay.weights_bytes = v.count * v.n * v.k * ob;
    lay.output_addr = align64(lay.weights_addr + lay.weights_bytes);
    lay.output_bytes = v.count * v.m * v.n * ob;
    lay.residual_addr = align64(lay.output_addr + lay.output_bytes);
    lay.residual_bytes = layer.residual_add ? lay.output_bytes : 0;
    lay.image_bytes = align64(lay.residual_addr + lay.residual_bytes);
    // The layer's sums, packed or not.
    lay.shift = layer.store_shift ? *layer.store_shift : requant_shift(lay.layer_view.k, cfg.array.operand_bits);

    // Output: conv WS/OS is NHWC with all groups' channels interleaved per pixel; IS is channel-major.
    // Gemm layers keep each batch's output block separate.
    const uint64_t total_n = v.count * v.n;
    for (uint64_t g = 0; g < v.count; ++g) {
        GemmAddrs a;
        a.b_addr = lay.weights_addr + g * v.n * v.k * ob;
        if (lay.is_conv) {
            a.a_chan0 = static_cast<uint32_t>(g * lay.conv_in_c_per_group);
            if (lay.output_transposed) {
                a.c_addr = lay.output_addr + g * v.n * v.m * ob;
                a.c_row_stride = v.m;
            } else {
                a.c_addr = lay.output_addr + g * v.n * ob;
                a.c_row_stride = total_n;
            }
        } else {
            a.a_addr = lay.input_addr + g * v.m * v.k * ob;
            a.c_addr = lay.output_addr + g * v.m * v.n * ob;
            a.c_row_stride = lay.output_transposed ? v.m : v.n;
        }
        lay.gemms.push_back(a);
    }
    return lay;
}

}  // namespace sasim
