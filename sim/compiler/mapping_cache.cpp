// SPDX-License-Identifier: MIT
#include "compiler/mapping_cache.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/file_text.h"
#include "common/json_text.h"
#include "compiler/mapping_file.h"
#include "sasim_version.h"

namespace sasim {
namespace {

// Bump when the candidate space, the emitter or the timing model changes what a search would choose, so
// that old entries are not reused. The sasim version is part of the key too.
constexpr int kCacheRevision = 4;  // 4: accumulator slots spread over banks; residual adds

std::string cache_stamp() { return fmt::format("{}/{}", SASIM_VERSION, kCacheRevision); }

}  // namespace

std::string mapper_shape_key(const Layer& l) {
    // A fused residual add loads the shortcut into the accumulator: another program of the same shape.
    const char* residual = l.residual_add ? " residual" : "";
    if (l.kind == LayerKind::Gemm) {
        return fmt::format("gemm {} {} {} {}{}", l.gemm.batch, l.gemm.m, l.gemm.n, l.gemm.k, residual);
    }
    const ConvShape& c = l.conv;
    return fmt::format("conv {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}", c.batch, c.in_h, c.in_w, c.in_c,
                       c.out_c, c.kernel_h, c.kernel_w, c.stride_h, c.stride_w, c.pad_top, c.pad_bottom, c.pad_left,
                       c.pad_right, c.dilation_h, c.dilation_w, c.groups, 0) + residual;
}

nlohmann::json cached_choice_to_json(const CachedChoice& c) {
    return {{"mapping", mapping_to_json(c.mapping)}, {"cycles", c.cycles},
            {"bound_cycles", c.bound_cycles},        {"candidates", c.candidates},
            {"simulated", c.simulated},              {"heuristic_cycles", c.heuristic_cycles}};
}

std::optional<CachedChoice> cached_choice_from_json(const nlohmann::json& e, const std::string& file,
                                                    const std::string& where, std::vector<std::string>& problems) {
    if (!e.is_object() || !e.contains("mapping")) {
        problems.push_back(fmt::format("{}: {}: not a mapper cache entry", file, where));
        return std::nullopt;
    }
    const size_t before = problems.size();
    CachedChoice c;
    c.mapping = mapping_from_json(e["mapping"], file, where, problems);
    if (problems.size() != before) return std::nullopt;
    try {
        c.cycles = e.value("cycles", uint64_t{0});
        c.bound_cycles = e.value("bound_cycles", uint64_t{0});
        c.candidates = e.value("candidates", uint64_t{0});
        c.simulated = e.value("simulated", uint64_t{0});
        c.heuristic_cycles = e.value("heuristic_cycles", uint64_t{0});
    } catch (const nlohmann::json::exception&) {
        problems.push_back(fmt::format("{}: {}: a count is not an unsigned integer", file, where));
        return std::nullopt;
    }
    return c;
}

MappingCache::MappingCache(std::string dir, const std::string& config_hash) {
    if (dir.empty()) return;
    m_path = (std::filesystem::path(dir) / fmt::format("mapper-{}.json", config_hash)).string();
    load(read_text(m_path));
}

void MappingCache::load(const std::string& text) {
    if (text.empty()) return;
    // A damaged or foreign file is ignored (and replaced on save): the cache only saves time.
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || j.value("stamp", std::string()) != cache_stamp() || !j.contains("entries") ||
        !j["entries"].is_object()) {
        return;
    }
    for (const auto& [key, e] : j["entries"].items()) {
        std::vector<std::string> problems;
        if (std::optional<CachedChoice> c = cached_choice_from_json(e, m_path, key, problems)) m_entries[key] = *c;
    }
}

std::optional<CachedChoice> MappingCache::find(const std::string& shape_key) const {
    const auto it = m_entries.find(shape_key);
    if (it == m_entries.end()) return std::nullopt;
    return it->second;
}

void MappingCache::put(const std::string& shape_key, const CachedChoice& c) {
    if (!enabled()) return;
    m_entries[shape_key] = c;
    m_dirty = true;
}

std::string MappingCache::save() {
    if (!enabled() || !m_dirty) return "";
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(m_path).parent_path(), ec);
    if (ec) return fmt::format("{}: cannot create the cache directory ({})", m_path, ec.message());
    // Keep what other processes added since we read the file; ours win on equal keys.
    std::map<std::string, CachedChoice> mine = std::move(m_entries);
    m_entries.clear();
    load(read_text(m_path));
    for (auto& [k, v] : mine) m_entries[k] = v;
    nlohmann::json entries = nlohmann::json::object();
    for (const auto& [k, c] : m_entries) entries[k] = cached_choice_to_json(c);
    const nlohmann::json j = {{"stamp", cache_stamp()}, {"entries", entries}};
    const std::string tmp = fmt::format("{}.tmp.{}", m_path, getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << json_text(j, 1) << '\n';
        out.flush();
        if (!out) {
            std::remove(tmp.c_str());
            return fmt::format("{}: cannot write the cache file", tmp);
        }
    }
    std::filesystem::rename(tmp, m_path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        return fmt::format("{}: cannot write the cache file ({})", m_path, ec.message());
    }
    m_dirty = false;
    return "";
}

}  // namespace sasim
