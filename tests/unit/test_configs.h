// SPDX-License-Identifier: MIT
// Small configs for unit tests: an R x C array with a 16 KiB, 2-bank scratchpad and an 8 KiB, 2-bank
// accumulator, validated and derived.
#pragma once
#include <cstdint>

#include "config/config.h"

namespace sasim {

inline Config small_config(Dataflow df, uint32_t rows, uint32_t cols, uint32_t bits = 8) {
    Config cfg;
    cfg.array.dataflow = df;
    cfg.array.rows = rows;
    cfg.array.cols = cols;
    cfg.array.operand_bits = bits;
    cfg.scratchpad = {16, 2};
    cfg.accumulator = {8, 2};
    validate_and_derive(cfg, "");
    return cfg;
}

}  // namespace sasim
