// SPDX-License-Identifier: MIT
// The Verilator testbench of the generated RTL (docs/rtl.md, "Cross-check").
// It reads one layer's case file (written by `sasim rtl check`: DRAM timing, DRAM image, the program as
// command words), packs each word into the cmd_word port at the offsets of rtl/command/command_fields.h
// and feeds the program through the command port one instruction per cycle, serves the memory port with the same
// C++ DRAM timing class as the SystemC model (model::DramTiming), records every instruction's issue and
// retire cycle from the unit event ports, and writes them with the final DRAM image to the result file.
//   harness --case FILE --out FILE [--vcd FILE]
// Exit status: 0 ran to the end, 2 bad arguments or case file, 3 the watchdog fired (result file says why).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vsasim_top.h"
#include "model/dram_timing.h"
#include "rtl/command/command_fields.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

namespace {

struct Case {
    sasim::model::DramTiming::Params dram;
    uint64_t watchdog = 1000000;
    int64_t delay_read = -1;
    std::vector<uint8_t> image;
    sasim::rtl::ConvWord conv;                   // the conv_word port, for the whole program
    std::vector<sasim::rtl::CommandWord> instrs; // one cmd_word per instruction
};

using sasim::rtl::WordField;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

// Reads "fields <port> <count> <names...>" and checks the names against this build's list: a case file
// written for another command word is refused rather than driven into the wrong bits.
template <size_t N>
void check_fields(std::istream& in, const std::string& path, const char* port, const WordField (&fields)[N]) {
    std::string line, word, name;
    size_t count = 0;
    std::getline(in >> std::ws, line);
    std::istringstream ls(line);
    ls >> word >> name >> count;
    if (word != "fields" || name != port) fail(path + ": expected \"fields " + port + " ...\"");
    if (count != N) fail(path + ": " + port + " has " + std::to_string(N) + " fields in this harness, the case file " + std::to_string(count));
    for (size_t i = 0; i < N; ++i) {
        if (!(ls >> word) || word != fields[i].name) {
            fail(path + ": " + port + " field " + std::to_string(i) + " is \"" + fields[i].name + "\" in this harness, \"" + word + "\" in the case file");
        }
    }
}

// Reads one value per field; each must fit its bits.
template <size_t N>
bool read_values(std::istream& in, const WordField (&fields)[N], std::array<uint64_t, N>& out) {
    for (size_t i = 0; i < N; ++i) {
        if (!(in >> out[i]) || out[i] != (out[i] & sasim::rtl::field_mask(fields[i].bits))) return false;
    }
    return true;
}


std::vector<uint8_t> read_hex(std::istream& in, uint64_t n, const std::string& origin) {
    std::vector<uint8_t> out;
    out.reserve(n);
    std::string line;
    while (out.size() < n && std::getline(in, line)) {
        if (line.size() % 2 != 0) fail(origin + ": odd number of hex digits in the image");
        for (size_t i = 0; i < line.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(line.substr(i, 2), nullptr, 16)));
    }
    if (out.size() != n) fail(origin + ": the image is shorter than its size");
    return out;
}

Case read_case(const std::string& path) {
    std::ifstream in(path);
    if (!in) fail(path + ": cannot open");
    Case c;
    std::string word;
    in >> word;
    if (word != "sasim-rtl-case") fail(path + ": not a sasim-rtl-case file");
    int version = 0;
    in >> version;
    if (version != 3) fail(path + ": sasim-rtl-case version " + std::to_string(version) + " (this harness reads 3)");
    bool fields_seen = false;
    while (in >> word) {
        if (word == "dram") {
            in >> c.dram.latency_cycles >> c.dram.millibytes_per_cycle >> c.dram.max_outstanding;
        } else if (word == "watchdog") {
            in >> c.watchdog;
        } else if (word == "delay_read") {
            in >> c.delay_read;
        } else if (word == "image") {
            uint64_t n = 0;
            in >> n;
            std::string rest;
            std::getline(in, rest);
            c.image = read_hex(in, n, path);
        } else if (word == "fields") {
            // Both lists come together: put the word back and check them in order.
            in.seekg(-static_cast<std::streamoff>(word.size()), std::ios::cur);
            check_fields(in, path, "cmd_word", sasim::rtl::kCommandFields);
            check_fields(in, path, "conv_word", sasim::rtl::kConvFields);
            fields_seen = true;
        } else if (word == "conv_word") {
            if (!read_values(in, sasim::rtl::kConvFields, c.conv.value)) fail(path + ": the conv_word line is malformed");
        } else if (word == "instrs") {
            if (!fields_seen) fail(path + ": \"instrs\" before the \"fields\" lines");
            size_t n = 0;
            in >> n;
            std::string line;
            std::getline(in, line);
            for (size_t i = 0; i < n; ++i) {
                if (!std::getline(in, line)) fail(path + ": fewer instructions than announced");
                std::istringstream ls(line);
                sasim::rtl::CommandWord x;
                if (!read_values(ls, sasim::rtl::kCommandFields, x.value)) {
                    fail(path + ": instruction " + std::to_string(i) + " is malformed");
                }
                if (x[sasim::rtl::CommandField::op] > 3) fail(path + ": instruction " + std::to_string(i) + ": unknown op");
                c.instrs.push_back(x);
            }
        } else if (word == "end") {
            return c;
        } else {
            fail(path + ": unknown section \"" + word + "\"");
        }
    }
    fail(path + ": missing \"end\"");
}

// Byte access to Verilator port values of any width.
template <typename T>
void put_bytes(T& port, const uint8_t* src, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n && i < sizeof(T); ++i) v |= uint64_t{src[i]} << (8 * i);
    port = static_cast<T>(v);
}
template <std::size_t W>
void put_bytes(VlWide<W>& port, const uint8_t* src, size_t n) {
    for (std::size_t w = 0; w < W; ++w) port[w] = 0;
    for (size_t i = 0; i < n && i < W * 4; ++i) port[i / 4] |= uint32_t{src[i]} << (8 * (i % 4));
}
template <typename T>
void get_bytes(const T& port, uint8_t* dst, size_t n) {
    const uint64_t v = port;
    for (size_t i = 0; i < n && i < sizeof(T); ++i) dst[i] = static_cast<uint8_t>(v >> (8 * i));
}
template <std::size_t W>
void get_bytes(const VlWide<W>& port, uint8_t* dst, size_t n) {
    for (size_t i = 0; i < n && i < W * 4; ++i) dst[i] = static_cast<uint8_t>(port[i / 4] >> (8 * (i % 4)));
}

// Drives a Verilator port of any width with a packed word (the ports are at least 2 32-bit words wide).
template <std::size_t W, typename Word, size_t N>
void drive_word(VlWide<W>& port, const WordField (&fields)[N], const Word& word) {
    if (W * 32 < sasim::rtl::word_bits(fields) || W * 32 >= sasim::rtl::word_bits(fields) + 32) {
        fail("the RTL's command ports are not as wide as rtl/command/command_fields.h says (stale build?)");
    }
    uint32_t words[W];
    sasim::rtl::pack_word(fields, word, words, W);
    for (std::size_t i = 0; i < W; ++i) port[i] = words[i];
}

void write_hex(std::ostream& out, const std::vector<uint8_t>& img) {
    static const char* digits = "0123456789abcdef";
    std::string line;
    for (size_t i = 0; i < img.size(); ++i) {
        line += digits[img[i] >> 4];
        line += digits[img[i] & 15];
        if ((i + 1) % 64 == 0 || i + 1 == img.size()) {
            out << line << '\n';
            line.clear();
        }
    }
}

int run(int argc, char** argv) {
    std::string case_path, out_path, vcd_path;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 < argc && a == "--case") case_path = argv[++i];
        else if (i + 1 < argc && a == "--out") out_path = argv[++i];
        else if (i + 1 < argc && a == "--vcd") vcd_path = argv[++i];
        else fail("usage: harness --case FILE --out FILE [--vcd FILE] (unexpected \"" + a + "\")");
    }
    if (case_path.empty() || out_path.empty()) fail("usage: harness --case FILE --out FILE [--vcd FILE]");
    Case c = read_case(case_path);

    auto ctx = std::make_unique<VerilatedContext>();
    auto top = std::make_unique<Vsasim_top>(ctx.get());
    std::unique_ptr<VerilatedVcdC> vcd;
    if (!vcd_path.empty()) {
        ctx->traceEverOn(true);
        vcd = std::make_unique<VerilatedVcdC>();
        top->trace(vcd.get(), 99);
        vcd->open(vcd_path.c_str());
    }
    // Waveform time: cycle t of the layer is at t ns (timescale 1 ps), its rising edge at t ns + 500 ps, like
    // the model's VCD (1 ns per cycle). The reset cycles before cycle 0 are not dumped.
    auto tick = [&](bool rising, int64_t cycle) {
        top->clk = rising;
        top->eval();
        if (vcd && cycle >= 0) vcd->dump(static_cast<uint64_t>(cycle) * 1000 + (rising ? 500 : 0));
    };
    top->rst = 1;
    top->cmd_valid = 0;
    top->rd_data_valid = 0;
    top->rd_done = 0;
    top->wr_done = 0;
    for (int i = 0; i < 2; ++i) {
        tick(false, -1);
        tick(true, -1);
    }
    top->rst = 0;
    drive_word(top->conv_word, sasim::rtl::kConvFields, c.conv);

    const size_t n = c.instrs.size();
    std::vector<size_t> unit_order[3];  // instruction indices per unit, program order
    for (size_t i = 0; i < n; ++i) {
        const uint64_t op = c.instrs[i][sasim::rtl::CommandField::op];
        unit_order[op <= 1 ? 0 : op - 1].push_back(i);
    }
    size_t issued[3] = {0, 0, 0}, retired[3] = {0, 0, 0};
    std::vector<uint64_t> issue(n, 0), retire(n, 0);
    size_t total_retired = 0, next_cmd = 0, driven_cmd = SIZE_MAX;

    sasim::model::DramTiming dram(c.dram);
    dram.reset(0);
    std::deque<uint64_t> rd_complete, wr_complete;  // completion cycles, in request order
    uint64_t reads_issued = 0, last_rd_complete = 0;
    bool data_pending = false;
    std::vector<uint8_t> data_next;
    uint64_t last_event = 0, max_retire = 0;
    // Stall observation, compared with the model's counters of the same names (docs/rtl.md).
    uint64_t compute_cycles = 0, dma_bank_conflict_cycles = 0, dispatch_blocked_cycles = 0;

    auto record = [&](int unit, bool is_issue, uint64_t t) -> void {
        size_t& k = is_issue ? issued[unit] : retired[unit];
        if (k >= unit_order[unit].size()) fail("the RTL reported more events than instructions (unit " + std::to_string(unit) + ")");
        const size_t i = unit_order[unit][k++];
        (is_issue ? issue : retire)[i] = t;
        if (!is_issue) {
            ++total_retired;
            max_retire = std::max(max_retire, t);
        }
    };

    for (uint64_t t = 0; total_retired < n; ++t) {
        // Inputs of cycle t.
        if (next_cmd < n) {
            if (next_cmd != driven_cmd) {  // pack each instruction once, not in every cycle it waits
                drive_word(top->cmd_word, sasim::rtl::kCommandFields, c.instrs[next_cmd]);
                driven_cmd = next_cmd;
            }
            top->cmd_valid = 1;
        } else {
            top->cmd_valid = 0;
        }
        top->rd_data_valid = data_pending;
        if (data_pending) put_bytes(top->rd_data, data_next.data(), data_next.size());
        uint32_t rd_now = 0, wr_now = 0;
        while (!rd_complete.empty() && rd_complete.front() <= t) {
            rd_complete.pop_front();
            ++rd_now;
        }
        while (!wr_complete.empty() && wr_complete.front() <= t) {
            wr_complete.pop_front();
            ++wr_now;
        }
        top->rd_done = rd_now;
        top->wr_done = wr_now;
        tick(false, static_cast<int64_t>(t));
        // Outputs of cycle t.
        bool event = rd_now || wr_now;
        if (top->cmd_valid && top->cmd_ready) {
            ++next_cmd;
            event = true;
        } else if (top->cmd_valid) {
            ++dispatch_blocked_cycles;
        }
        compute_cycles += top->dbg_streaming;
        dma_bank_conflict_cycles += (top->dbg_dma_bank_wait & 1u) + (top->dbg_dma_bank_wait >> 1 & 1u);
        if (top->ld_issue) record(0, true, t);
        if (top->ex_issue) record(1, true, t);
        if (top->st_issue) record(2, true, t);
        if (top->ld_retire) record(0, false, t);
        if (top->ex_retire) record(1, false, t);
        for (unsigned k = 0; k < top->st_retire; ++k) record(2, false, t);
        event = event || top->ld_issue || top->ex_issue || top->st_issue || top->ld_retire || top->ex_retire || top->st_retire;
        data_pending = false;
        if (top->rd_req_valid) {
            const uint64_t addr = top->rd_req_addr, bytes = top->rd_req_bytes;
            if (addr + bytes > c.image.size()) fail("read request beyond the DRAM image at cycle " + std::to_string(t));
            uint64_t done = dram.access(t, static_cast<uint32_t>(bytes), false).complete_cycle;
            if (static_cast<int64_t>(reads_issued) == c.delay_read) ++done;  // perturbation test
            done = std::max(done, last_rd_complete);  // the port delivers completions in request order
            last_rd_complete = done;
            ++reads_issued;
            rd_complete.push_back(done);
            data_next.assign(c.image.begin() + addr, c.image.begin() + addr + bytes);
            data_pending = true;
            event = true;
        }
        if (top->wr_req_valid) {
            const uint64_t addr = top->wr_req_addr, bytes = top->wr_req_bytes;
            if (addr + bytes > c.image.size()) fail("write request beyond the DRAM image at cycle " + std::to_string(t));
            wr_complete.push_back(dram.access(t, static_cast<uint32_t>(bytes), true).complete_cycle);
            get_bytes(top->wr_req_data, c.image.data() + addr, bytes);
            event = true;
        }
        tick(true, static_cast<int64_t>(t));
        if (event || !rd_complete.empty() || !wr_complete.empty()) last_event = t;
        if (t - last_event > c.watchdog) {
            std::ofstream out(out_path);
            out << "sasim-rtl-result 1\n";
            out << "watchdog " << t << " no issue, retire or memory traffic for " << c.watchdog << " cycles; "
                << total_retired << " of " << n << " instructions retired, " << next_cmd << " dispatched\n";
            out << "watchdog " << t << " queues: load " << unsigned(top->dbg_queue_load) << ", execute "
                << unsigned(top->dbg_queue_exec) << ", store " << unsigned(top->dbg_queue_store) << "\n";
            const uint64_t tk = top->dbg_tokens;
            out << "watchdog " << t << " tokens: load->execute " << ((tk >> 48) & 0xffff) << ", execute->load "
                << ((tk >> 32) & 0xffff) << ", execute->store " << ((tk >> 16) & 0xffff) << ", store->execute "
                << (tk & 0xffff) << ", store->load " << unsigned(top->dbg_tokens_s2l) << "\n";
            out << "watchdog " << t << " load DMA " << (top->dbg_load_dma_busy ? "busy" : "idle") << " ("
                << unsigned(top->dbg_read_buffer_rows) << " rows buffered), store DMA "
                << (top->dbg_store_dma_busy ? "busy" : "idle") << " (" << unsigned(top->dbg_store_buffer_rows)
                << " rows buffered), execute state " << unsigned(top->dbg_exec_state) << "\n";
            // Token counts per channel: load->execute, execute->load, execute->store, store->execute, store->load.
            const uint64_t tok[5] = {(tk >> 48) & 0xffff, (tk >> 32) & 0xffff, (tk >> 16) & 0xffff, tk & 0xffff,
                                     top->dbg_tokens_s2l};
            for (int u = 0; u < 3; ++u) {
                static const char* names[3] = {"load", "execute", "store"};
                if (retired[u] >= unit_order[u].size()) continue;
                out << "watchdog " << t << " " << names[u] << " unit: ";
                if (issued[u] < unit_order[u].size()) {
                    const size_t i = unit_order[u][issued[u]];
                    const sasim::rtl::CommandWord& x = c.instrs[i];
                    const bool wait_prev = x[sasim::rtl::CommandField::wait_prev] != 0;
                    const bool wait_next = x[sasim::rtl::CommandField::wait_next] != 0;
                    std::string needs;
                    auto need = [&](bool flag, int ch, const char* what) {
                        if (flag && tok[ch] == 0) needs += std::string(needs.empty() ? "" : " and ") + what;
                    };
                    if (u == 0) {
                        need(wait_next, 1, "an execute->load token");
                        need(wait_prev, 4, "a store->load token");
                    }
                    if (u == 1) {
                        need(wait_prev, 0, "a load->execute token");
                        need(wait_next, 3, "a store->execute token");
                    }
                    if (u == 2) need(wait_prev, 2, "an execute->store token");
                    out << "instruction #" << i << " not issued" << (i >= next_cmd ? " (not dispatched yet)" : "");
                    if (!needs.empty()) out << ": waits for " << needs << " (none available)";
                } else {
                    out << "every instruction issued, waiting for instruction #" << unit_order[u][retired[u]]
                        << " to retire";
                }
                out << " (" << issued[u] << " of " << unit_order[u].size() << " issued, " << retired[u] << " retired)\n";
            }
            out << "end\n";
            if (vcd) vcd->close();
            return 3;
        }
    }
    if (vcd) vcd->close();
    top->final();
    std::ofstream out(out_path);
    if (!out) fail(out_path + ": cannot open for writing");
    out << "sasim-rtl-result 1\ncycles " << max_retire << '\n';
    out << "counters " << compute_cycles << ' ' << dma_bank_conflict_cycles << ' ' << dispatch_blocked_cycles << '\n';
    for (size_t i = 0; i < n; ++i) out << "instr " << i << ' ' << issue[i] << ' ' << retire[i] << '\n';
    out << "image " << c.image.size() << '\n';
    write_hex(out, c.image);
    out << "end\n";
    return out ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "harness: " << e.what() << '\n';
        return 2;
    }
}
