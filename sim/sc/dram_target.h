// SPDX-License-Identifier: MIT
// The default memory: a TLM-2.0 target holding the DRAM image, timed by model::DramTiming.
// b_transport annotates the delay to the cycle the access completes.
#pragma once
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "model/dram_timing.h"

namespace sasim::sc {

class ScDramTarget : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<ScDramTarget> socket;

    ScDramTarget(sc_core::sc_module_name name, const model::DramTiming::Params& timing);

    // Replaces the memory contents and idles the channel at `now_cycle` (between layers).
    void load_image(std::vector<uint8_t> image, uint64_t now_cycle);
    // A memory of `bytes` that holds no data (runs without values): reads return zeros, writes are
    // dropped, the timing is the same. image() is then empty.
    void load_dataless(uint64_t bytes, uint64_t now_cycle);
    const std::vector<uint8_t>& image() const { return m_image; }
    model::DramTiming& timing() { return m_timing; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    std::vector<uint8_t> m_image;
    uint64_t m_size = 0;       // addressable bytes (m_image.size() unless dataless)
    bool m_dataless = false;   // load_dataless: no contents
    model::DramTiming m_timing;
};

}  // namespace sasim::sc
