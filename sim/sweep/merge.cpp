// SPDX-License-Identifier: MIT
// `sasim sweep merge`: combines shard directories of one sweep into one directory.
#include <filesystem>

#include <fmt/format.h>

#include "common/errors.h"
#include "sweep/io.h"
#include "sweep/results.h"

namespace fs = std::filesystem;

namespace sasim::sweep {

using nlohmann::json;

namespace {

std::vector<std::string> point_ids(const SweepIndex& index) {
    std::vector<std::string> ids;
    for (const auto& p : index.points()) ids.push_back(p.at("id").get<std::string>());
    return ids;
}

bool same_dir(const std::string& a, const std::string& b) {
    std::error_code ec;
    return fs::exists(a) && fs::exists(b) && fs::equivalent(a, b, ec);
}

// Copies a finished point's files; its result.json (the done marker) goes last, atomically.
void copy_point(const std::string& from_dir, const std::string& to_dir, const std::string& id) {
    const fs::path src = point_dir(from_dir, id);
    const fs::path dst = point_dir(to_dir, id);
    fs::create_directories(dst);
    for (const auto& entry : fs::directory_iterator(src)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || name == "result.json" || name.find(".tmp") != std::string::npos) continue;
        write_atomic((dst / name).string(), read_text(entry.path().string()));
    }
    write_atomic((dst / "result.json").string(), read_text((src / "result.json").string()));
}

}  // namespace

Counts merge_sweeps(const std::vector<std::string>& inputs, const std::string& out) {
    if (inputs.empty()) throw InputError("sweep merge: name the sweep directories to merge");
    std::vector<SweepIndex> indexes;
    std::vector<std::string> problems;
    for (const auto& dir : inputs) {
        try {
            indexes.push_back(read_index(dir));
        } catch (const InputError& e) {
            problems.insert(problems.end(), e.lines().begin(), e.lines().end());
        }
    }
    if (!problems.empty()) throw InputError(problems);
    const std::vector<std::string> ids = point_ids(indexes.front());
    for (size_t i = 1; i < indexes.size(); ++i) {
        if (indexes[i].spec_hash() != indexes.front().spec_hash() || point_ids(indexes[i]) != ids) {
            problems.push_back(fmt::format("{}: not the same sweep as {} (spec hash {} vs {}); merge only shards of one spec",
                                           inputs[i], inputs.front(), indexes[i].spec_hash(),
                                           indexes.front().spec_hash()));
        }
    }
    if (fs::exists(fs::path(out) / "sweep.json")) {
        const SweepIndex existing = read_index(out);
        if (existing.spec_hash() != indexes.front().spec_hash() || point_ids(existing) != ids) {
            problems.push_back(fmt::format("{}: holds a different sweep; merge into a new directory", out));
        }
    }
    if (!problems.empty()) throw InputError(problems);

    std::error_code ec;
    fs::create_directories(fs::path(out) / "points", ec);
    if (ec) throw InputError(fmt::format("{}: cannot create output directory ({})", out, ec.message()));
    DirLock lock(out);
    SweepIndex merged = indexes.front();
    merged.doc["shard"] = {{"index", 0}, {"count", 1}};
    for (const auto& id : ids) {
        if (read_result(out, id)) continue;  // already in the output
        for (const auto& dir : inputs) {
            if (same_dir(dir, out) || !read_result(dir, id)) continue;
            copy_point(dir, out, id);
            break;
        }
    }
    write_index(out, merged);
    return rebuild_outputs(out, merged);
}

}  // namespace sasim::sweep
