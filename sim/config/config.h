// SPDX-License-Identifier: MIT
// The accelerator configuration: one typed struct, parsed and validated in config.cpp.
// The SystemC model and the RTL generator both read this struct; each unit receives only its sub-struct.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sasim {

enum class Dataflow { OS, WS, IS };

const char* to_string(Dataflow df);

// The systolic array.
struct ArrayConfig {
    uint32_t rows = 16;          // PE rows (R)
    uint32_t cols = 16;          // PE columns (C)
    Dataflow dataflow = Dataflow::WS;
    uint32_t operand_bits = 8;   // 8 or 16 (signed integers)
    uint32_t acc_bits = 32;      // accumulator width; 32 only for now
};

// A banked, single-ported on-chip SRAM (scratchpad or accumulator).
// Its size is given as `capacity_kib` (rounded down to whole rows per bank, with a note) or as `rows`.
struct SramConfig {
    uint64_t capacity_kib = 0;   // total capacity, KiB (0 when `rows` is given)
    uint32_t banks = 1;          // number of banks; rows interleave by block (see docs/timing.md)
    uint64_t rows = 0;           // total rows, a multiple of banks (0 when `capacity_kib` is given)
};

// Depths of the three instruction queues between dispatch and the units.
struct QueueConfig {
    uint32_t load = 8;
    uint32_t execute = 8;
    uint32_t store = 2;
};

// The DMA engines (one load DMA, one store DMA; they share the DRAM channel).
struct DmaConfig {
    uint32_t bus_bytes_per_cycle = 16;  // on-chip bus width: bytes moved per cycle per DMA
    uint32_t max_request_bytes = 64;    // a row transfer is split into requests of at most this size
    uint32_t max_outstanding = 16;      // per DMA engine, requests in flight
};

// The DRAM channel (timing implemented by model::DramTiming).
struct DramConfig {
    uint32_t latency_cycles = 100;      // fixed access latency, accelerator cycles
    double bandwidth_gbps = 16.0;       // peak channel bandwidth, GB/s (1e9 bytes per second)
    uint32_t max_outstanding = 32;      // requests the channel accepts at once (both DMAs together)
    std::string type = "lpddr4";        // DRAM kind, for its energy per byte (an entry of the technology table)
};

// Values computed once from the parsed config (never recomputed by modules).
struct DerivedConfig {
    uint32_t operand_bytes = 1;          // bytes per operand element
    uint32_t acc_bytes = 4;              // bytes per accumulator element
    uint32_t spad_row_elems = 16;        // elements per scratchpad row = max(rows, cols)
    uint32_t spad_row_bytes = 16;        // spad_row_elems * operand_bytes
    uint64_t spad_rows = 0;              // total scratchpad rows
    uint64_t spad_rows_per_bank = 0;
    uint32_t acc_row_elems = 16;         // elements per accumulator row = cols
    uint32_t acc_row_bytes = 64;         // acc_row_elems * acc_bytes
    uint64_t acc_rows = 0;               // total accumulator rows
    uint64_t acc_rows_per_bank = 0;
    uint64_t spad_capacity_bytes = 0;    // spad_rows * spad_row_bytes: what the hardware holds
    uint64_t acc_capacity_bytes = 0;     // acc_rows * acc_row_bytes
    // What validation changed and the user should know ("scratchpad.capacity_kib: 65 KiB is 4,160 rows
    // ... rounded down to ..."): printed by the CLI and kept in report.json as "config_notes".
    std::vector<std::string> notes;
    uint64_t dram_millibytes_per_cycle = 0;  // DRAM bandwidth per accelerator cycle, in 1/1000 bytes
    double peak_macs_per_cycle = 0;      // rows * cols
    // DMA staging buffers (hardware sizes the RTL shares, docs/timing.md "DMA engine"):
    uint32_t dma_read_buffer_rows = 18;  // DRAM rows the load DMA holds from first request to last block
                                         // write = dma.max_outstanding + 2
    uint32_t dma_store_buffer_rows = 4;  // accumulator rows the store DMA holds until their requests issue
};

struct Config {
    std::string name;                    // free text, shown in reports
    std::string source_path;             // file it was read from ("" when built in code)
    ArrayConfig array;
    SramConfig scratchpad{256, 4};
    SramConfig accumulator{64, 2};
    QueueConfig queues;
    DmaConfig dma;
    DramConfig dram;
    double clock_mhz = 1000.0;           // accelerator clock, MHz
    std::string technology = "45nm";     // energy table of configs/tech/ (config/technology.h)
    DerivedConfig derived;               // filled by derive(); read-only for everyone else
};

// Parses and validates a config file. Throws InputError listing every problem found, one line each,
// "<file>: <key>: <problem>". Unknown keys are errors. Missing keys take the documented defaults.
Config load_config(const std::string& path);

// Same, from JSON already in memory; `origin` names the source in messages.
Config config_from_json(const nlohmann::json& j, const std::string& origin);

// Checks a Config built in code (throws InputError with every problem) and fills `derived`.
void validate_and_derive(Config& cfg, const std::string& origin);

// The resolved config (all keys, defaults filled in) as JSON; parsing it gives the same Config.
nlohmann::json config_to_json(const Config& cfg);

// Stable 16-hex-digit FNV-1a hash of config_to_json(cfg) minus "name" (used by reports and RTL).
std::string config_hash(const Config& cfg);

// Internal to sim/config (shared by config.cpp and config_parse.cpp). Other modules must not use it.
namespace config_detail {

// "" if `value` is valid for the integer key `key` (dotted, e.g. "array.rows"), else the problem,
// e.g. "must be an integer >= 1, got 0". long double holds every JSON integer exactly.
std::string integer_problem(const std::string& key, long double value);

// Every check of validate_and_derive, appending "<origin>: <key>: <problem>" lines to `problems`, and
// fills cfg.derived when nothing is wrong. Keys (or whole sections) in `skip` already have a reported
// problem: their checks, and the derived-value checks that depend on them, are left out.
void check_and_derive(Config& cfg, const std::string& origin, const std::set<std::string>& skip,
                      std::vector<std::string>& problems);

}  // namespace config_detail

}  // namespace sasim
