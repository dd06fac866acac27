// SPDX-License-Identifier: MIT
// Layers for unit tests, built from a few numbers.
#pragma once
#include <cstdint>

#include "workload/workload.h"

namespace sasim {

// A conv layer: every field of ConvShape, with defaults for a 3x3, stride-1, unpadded, ungrouped one.
struct ConvSpec {
    uint32_t batch = 1, h = 0, w = 0, c = 0, oc = 0, kh = 3, kw = 3, sh = 1, sw = 1;
    uint32_t pt = 0, pb = 0, pl = 0, pr = 0, dh = 1, dw = 1, groups = 1;
};

inline Layer conv_layer(const ConvSpec& s) {
    Layer l;
    l.name = "conv";
    l.kind = LayerKind::Conv;
    l.origin = "unit test";
    ConvShape& c = l.conv;
    c.batch = s.batch;
    c.in_h = s.h;
    c.in_w = s.w;
    c.in_c = s.c;
    c.out_c = s.oc;
    c.kernel_h = s.kh;
    c.kernel_w = s.kw;
    c.stride_h = s.sh;
    c.stride_w = s.sw;
    c.pad_top = s.pt;
    c.pad_bottom = s.pb;
    c.pad_left = s.pl;
    c.pad_right = s.pr;
    c.dilation_h = s.dh;
    c.dilation_w = s.dw;
    c.groups = s.groups;
    return l;
}

}  // namespace sasim
