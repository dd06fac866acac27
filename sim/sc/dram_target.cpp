// SPDX-License-Identifier: MIT
#include "sc/dram_target.h"

#include <cstring>

#include "sc/clock.h"

namespace sasim::sc {

ScDramTarget::ScDramTarget(sc_core::sc_module_name name, const model::DramTiming::Params& timing)
    : sc_core::sc_module(name), socket("socket"), m_timing(timing) {
    socket.register_b_transport(this, &ScDramTarget::b_transport);
}

void ScDramTarget::load_image(std::vector<uint8_t> image, uint64_t now) {
    m_image = std::move(image);
    m_size = m_image.size();
    m_dataless = false;
    m_timing.reset(now);
}

void ScDramTarget::load_dataless(uint64_t bytes, uint64_t now) {
    std::vector<uint8_t>().swap(m_image);
    m_size = bytes;
    m_dataless = true;
    m_timing.reset(now);
}

void ScDramTarget::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const uint64_t addr = trans.get_address();
    const uint32_t len = trans.get_data_length();
    if (trans.get_byte_enable_ptr() != nullptr || trans.get_streaming_width() < len) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (addr > m_size || len > m_size - addr) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    const bool write = trans.get_command() == tlm::TLM_WRITE_COMMAND;
    if (write) {
        if (!m_dataless) std::memcpy(m_image.data() + addr, trans.get_data_ptr(), len);
    } else if (trans.get_command() == tlm::TLM_READ_COMMAND) {
        if (m_dataless) {
            std::memset(trans.get_data_ptr(), 0, len);
        } else {
            std::memcpy(trans.get_data_ptr(), m_image.data() + addr, len);
        }
    } else {
        trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    // The request is issued in the cycle the initiator's local time falls in.
    const sc_core::sc_time issue_time = sc_core::sc_time_stamp() + delay;
    const uint64_t issue_cycle = issue_time.value() / cycles(1).value();
    const model::DramTiming::Result r = m_timing.access(issue_cycle, len, write);
    delay = cycles(r.complete_cycle) - sc_core::sc_time_stamp();
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace sasim::sc
