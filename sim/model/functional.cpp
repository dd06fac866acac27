// SPDX-License-Identifier: MIT
#include "model/functional.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "common/errors.h"
#include "model/load_address.h"
#include "model/reference.h"
#include "model/tensors.h"

namespace sasim::model {

namespace {

// The DRAM target refuses accesses outside the image (an address error); so does this.
void check_range(uint64_t addr, uint64_t bytes, uint64_t size, const char* what) {
    if (addr > size || bytes > size - addr) {
        throw SimulationError(fmt::format("{} of {} bytes at DRAM address {} is outside the {}-byte image", what,
                                          bytes, addr, size));
    }
}

}  // namespace

FunctionalMachine::FunctionalMachine(const Config& cfg) : m_cfg(cfg), m_spad(cfg), m_acc(cfg) {}

FunctionalTotals FunctionalMachine::run(InstructionSource& src, std::vector<uint8_t>& image) {
    FunctionalTotals t;
    const Dataflow df = m_cfg.array.dataflow;
    m_batch.clear();
    while (src.next(m_batch)) {
        for (const Instruction& in : m_batch) {
            switch (in.op) {
                case Opcode::Load2d:
                case Opcode::LoadIm2col: load(in, src.convs(), image); break;
                case Opcode::Execute: t.macs += execute_values(in, df, m_spad, m_acc); break;
                case Opcode::Store: t.dram_write_bytes += store(in, image); break;
            }
        }
        t.instructions += m_batch.size();
        m_batch.clear();
    }
    return t;
}

// As the DMA engine does it (sc/dma_engine.cpp, issue_read and scatter_row): each DRAM row is assembled from
// its DRAM pieces (padding stays zero), then block b of it fills destination row local_row + b * block_stride
// + i, the rest of that row zeroed.
void FunctionalMachine::load(const Instruction& in, const std::vector<ConvGeometry>& convs,
                             const std::vector<uint8_t>& image) {
    const bool to_acc = in.dst == LocalMem::Accumulator;
    const uint32_t eb = m_cfg.derived.operand_bytes;
    if (to_acc) check_acc_load(in, m_acc.row_elems);
    const LoadAddressGen gen(in, convs, eb);
    const uint64_t block_bytes = uint64_t{load_block_elems(in)} * eb;
    const uint32_t blocks = load_blocks(in);
    for (uint32_t i = 0; i < in.rows; ++i) {
        m_row.assign(uint64_t{in.elems} * eb, 0);
        gen.row_segments(i, m_segments);
        for (const RowSegment& s : m_segments) check_range(s.dram_addr, s.bytes, image.size(), "a load");
        for (const RowSegment& s : m_segments) std::memcpy(m_row.data() + s.row_offset, image.data() + s.dram_addr, s.bytes);
        if (to_acc) {
            load_acc_row_values(m_acc, in.local_row + i, m_row.data(), in.elems, in.shift, m_cfg.array.operand_bits);
            continue;
        }
        for (uint32_t b = 0; b < blocks; ++b) {
            const uint64_t row = in.local_row + b * in.block_stride + i;
            uint8_t* dst = m_spad.row(row);
            const uint64_t dst_bytes = m_spad.row_bytes;
            const uint64_t from = b * block_bytes;
            const uint64_t n = std::min<uint64_t>(block_bytes, m_row.size() - from);
            std::memcpy(dst, m_row.data() + from, n);
            std::memset(dst + n, 0, dst_bytes - n);
        }
    }
}

uint64_t FunctionalMachine::store(const Instruction& in, std::vector<uint8_t>& image) {
    const uint64_t row_bytes = uint64_t{in.elems} * m_cfg.derived.operand_bytes;
    for (uint32_t r = 0; r < in.rows; ++r) {
        check_range(in.dram_addr + uint64_t{r} * in.dram_stride, row_bytes, image.size(), "a store");
        store_row_values(m_acc, in.c_row + r, in.elems, in.shift, in.relu, m_cfg.array.operand_bits,
                         image.data() + in.dram_addr + uint64_t{r} * in.dram_stride);
    }
    return row_bytes * in.rows;
}

CheckResult replay_layer_values(const Layer& layer, const Config& cfg, FunctionalMachine& machine,
                                InstructionSource& src, const CanonicalTensors& tensors, bool check,
                                const std::atomic<bool>* cancel, std::vector<uint8_t>* final_image) {
    const LayerLayout& layout = src.layout();
    std::vector<uint8_t> image = build_dram_image(layer, layout, cfg.array.dataflow, tensors);
    const FunctionalTotals t = machine.run(src, image);
    // The same consistency checks as a simulated layer's (sc/simulator.cpp).
    if (t.macs != layout.view.macs()) {
        throw SimulationError(fmt::format("layer {}: EXECUTEs performed {} MACs, the program has {}", layer.name, t.macs,
                                          layout.view.macs()));
    }
    if (t.dram_write_bytes != layout.output_bytes) {
        throw SimulationError(fmt::format("layer {}: STOREs wrote {} bytes, the output tensor has {}", layer.name,
                                          t.dram_write_bytes, layout.output_bytes));
    }
    CheckResult result;
    if (check) {
        std::vector<int32_t> ref = reference_outputs(layer, tensors, cancel);
        add_shortcut(ref, tensors.shortcut, layout.shift);
        result = check_outputs(layer, layout, ref, image, cfg.array.operand_bits);
    }
    if (final_image != nullptr) *final_image = std::move(image);
    return result;
}

}  // namespace sasim::model
