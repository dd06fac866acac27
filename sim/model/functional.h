// SPDX-License-Identifier: MIT
// A program's values without its time: every instruction applied in program order. LOADs copy their DRAM
// rows into the scratchpad or the accumulator (model/load_address.h, cut into blocks as the DMA cuts
// them), EXECUTEs compute their block product (model::execute_values), STOREs requantize accumulator rows
// into DRAM (model::store_row_values). The tokens of a correct program order its units so that the timed
// model computes exactly these values; the run uses this for layers whose timing it takes from an
// earlier layer of the same shape (docs/performance.md, "Layer reuse"), and checks the result against
// the reference like any other layer. Plain C++, no SystemC.
#pragma once
#include <atomic>
#include <cstdint>
#include <vector>

#include "compiler/instruction_source.h"
#include "config/config.h"
#include "model/datapath.h"
#include "model/load_address.h"
#include "model/stats.h"
#include "model/tensors.h"

namespace sasim::model {

struct FunctionalTotals {
    uint64_t macs = 0;              // performed by the EXECUTEs (m * n * k each)
    uint64_t dram_write_bytes = 0;  // written by the STOREs
    uint64_t instructions = 0;
};

class FunctionalMachine {
public:
    explicit FunctionalMachine(const Config& cfg);
    // Runs `src` from where it stands to its end on `image` (which must hold every address the program
    // touches: the layer's layout image). The scratchpad and accumulator keep what earlier runs left.
    FunctionalTotals run(InstructionSource& src, std::vector<uint8_t>& image);

private:
    void load(const Instruction& in, const std::vector<ConvGeometry>& convs, const std::vector<uint8_t>& image);
    uint64_t store(const Instruction& in, std::vector<uint8_t>& image);

    const Config& m_cfg;
    Scratchpad m_spad;
    Accumulator m_acc;
    std::vector<uint8_t> m_row;           // one DRAM row of a load, before it is cut into blocks
    std::vector<RowSegment> m_segments;  // its DRAM pieces
    std::vector<Instruction> m_batch;     // instructions taken from the source, applied, then dropped
};

// A layer's values without its time: its operands `tensors` (model::generate_tensors, or a network's
// values: model/value_flow.h), the program `src` replayed on its DRAM image, and, when `check`, the outputs
// compared with the reference (`cancel` stops the reference early, see reference_outputs). Throws
// SimulationError when the program's MACs or output bytes are not the layer's. `final_image` (may be null)
// receives the DRAM image after the program, for a network's next layers.
// `machine` (built for cfg) runs the program; reusing one across layers saves allocating its memories.
CheckResult replay_layer_values(const Layer& layer, const Config& cfg, FunctionalMachine& machine,
                                InstructionSource& src, const CanonicalTensors& tensors, bool check,
                                const std::atomic<bool>* cancel, std::vector<uint8_t>* final_image = nullptr);

}  // namespace sasim::model
