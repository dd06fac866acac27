// SPDX-License-Identifier: MIT
// Dynamic energy of a layer: the model's own event counts times the config's technology table
// (config/technology.h; docs/energy.md). Plain C++, tested directly (tests/unit/energy_test.cpp).
#pragma once
#include <cstdint>

#include "config/config.h"
#include "config/technology.h"

namespace sasim::model {

struct LayerStats;

struct EnergyBreakdown {
    double mac_pj = 0;          // multiply + accumulate in every PE of every streamed row (idle PEs included)
    double pe_register_pj = 0;  // the operand and partial-sum registers written as data moves through the array
    double scratchpad_pj = 0;   // scratchpad row reads and writes
    double accumulator_pj = 0;  // accumulator row reads and writes
    double dram_pj = 0;         // bytes moved to and from DRAM
    double total_pj() const { return mac_pj + pe_register_pj + scratchpad_pj + accumulator_pj + dram_pj; }
    EnergyBreakdown& operator+=(const EnergyBreakdown& o);
};

// The energy of one event of each kind for `cfg` (pJ).
struct EventEnergy {
    double mac_pj = 0;                 // one PE step: a multiply of operand_bits and an add of acc_bits
    double register_bits_per_step = 0; // bits written per PE step: WS/IS an operand and a partial sum, OS two operands
    double register_bit_pj = 0;
    double spad_read_pj = 0, spad_write_pj = 0;  // one scratchpad row (spad_row_bytes) in a bank of its size
    double acc_read_pj = 0, acc_write_pj = 0;    // one accumulator row (acc_row_bytes)
    double dram_byte_pj = 0;
};
EventEnergy event_energy(const Config& cfg, const TechTable& tech);

// Counts of `st` (array slots, spad/acc rows, DRAM bytes) times event_energy.
EnergyBreakdown layer_energy(const LayerStats& st, const EventEnergy& e);

}  // namespace sasim::model
