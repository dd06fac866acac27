// SPDX-License-Identifier: MIT
#include "model/energy.h"

#include <cmath>

#include "model/stats.h"

namespace sasim::model {
namespace {

// One access of `row_bytes` to an SRAM bank of `bank_kib`: the 64-bit access energy scaled by the bank
// size, times the row's 64-bit words.
double sram_row_pj(const TechTable& t, double bank_kib, double row_bytes) {
    return t.sram_64bit_pj * std::pow(bank_kib / t.sram_bank_kib, t.sram_size_exponent) * (row_bytes * 8.0 / 64.0);
}

}  // namespace

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
    mac_pj += o.mac_pj;
    pe_register_pj += o.pe_register_pj;
    scratchpad_pj += o.scratchpad_pj;
    accumulator_pj += o.accumulator_pj;
    dram_pj += o.dram_pj;
    return *this;
}

EventEnergy event_energy(const Config& cfg, const TechTable& t) {
    EventEnergy e;
    const double ob = cfg.array.operand_bits;
    const double ab = cfg.array.acc_bits;
    e.mac_pj = t.multiply_pj * std::pow(ob / t.multiply_bits, t.multiply_width_exponent) +
               t.add_pj * std::pow(ab / t.add_bits, t.add_width_exponent);
    e.register_bits_per_step = cfg.array.dataflow == Dataflow::OS ? 2 * ob : ob + ab;
    e.register_bit_pj = t.register_bit_pj;
    const DerivedConfig& d = cfg.derived;
    const double spad_bank_kib = static_cast<double>(d.spad_capacity_bytes) / 1024.0 / cfg.scratchpad.banks;
    const double acc_bank_kib = static_cast<double>(d.acc_capacity_bytes) / 1024.0 / cfg.accumulator.banks;
    e.spad_read_pj = sram_row_pj(t, spad_bank_kib, d.spad_row_bytes);
    e.spad_write_pj = e.spad_read_pj * t.sram_write_to_read;
    e.acc_read_pj = sram_row_pj(t, acc_bank_kib, d.acc_row_bytes);
    e.acc_write_pj = e.acc_read_pj * t.sram_write_to_read;
    e.dram_byte_pj = t.dram_pj_per_byte.at(cfg.dram.type);  // validated with the config
    return e;
}

EnergyBreakdown layer_energy(const LayerStats& st, const EventEnergy& e) {
    EnergyBreakdown b;
    if (!st.simulated) return b;
    const double steps = static_cast<double>(st.array_slots_used);
    b.mac_pj = steps * e.mac_pj;
    b.pe_register_pj = steps * e.register_bits_per_step * e.register_bit_pj;
    const TrafficStats& t = st.traffic;
    b.scratchpad_pj = static_cast<double>(t.spad_reads) * e.spad_read_pj + static_cast<double>(t.spad_writes) * e.spad_write_pj;
    b.accumulator_pj = static_cast<double>(t.acc_reads) * e.acc_read_pj + static_cast<double>(t.acc_writes) * e.acc_write_pj;
    b.dram_pj = static_cast<double>(t.dram_read_bytes + t.dram_write_bytes) * e.dram_byte_pj;
    return b;
}

}  // namespace sasim::model
