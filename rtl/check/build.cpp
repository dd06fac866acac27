// SPDX-License-Identifier: MIT
#include "rtl/check/build.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "common/errors.h"
#include "rtl/check/process.h"
#include "rtl/generator/generator.h"

namespace fs = std::filesystem;

namespace sasim::rtl {
namespace {

constexpr const char* kStampName = "stamp";  // in <cache>/<hash>/: which sources the build came from
constexpr size_t kLogTailLines = 20;
// Bumped whenever the verilator command below changes, so cached builds made with the old one are redone.
constexpr const char* kBuildRecipe = "verilator-cmd-1";

std::string read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) return "";
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream f(p, std::ios::binary);
    f << text;
    if (!f) throw SimulationError(fmt::format("{}: cannot write", p.string()));
}

// The sources compiled into the harness besides the generated RTL: the harness folder, the DRAM timing
// model and the headers it pulls in. A change to any of them invalidates cached builds.
std::string harness_source_hash(const fs::path& src) {
    std::vector<fs::path> files = {src / "sim/model/dram_timing.cpp", src / "sim/model/dram_timing.h",
                                   src / "sim/config/config.h", src / "sim/common/errors.h"};
    std::vector<fs::path> harness_files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(src / "rtl/harness", ec)) {
        if (e.is_regular_file()) harness_files.push_back(e.path());
    }
    std::sort(harness_files.begin(), harness_files.end());
    files.insert(files.end(), harness_files.begin(), harness_files.end());
    uint64_t h = fnv1a(kBuildRecipe);
    for (const fs::path& f : files) {
        h = fnv1a(f.filename().string(), h);
        h = fnv1a(read_text(f), h);
    }
    return fmt::format("{:016x}", h);
}

std::string generated_hash(const std::vector<GeneratedFile>& files) {
    uint64_t h = fnv1a("generated");
    for (const GeneratedFile& f : files) {
        h = fnv1a(f.name + '\0', h);
        h = fnv1a(f.text + '\0', h);
    }
    return fmt::format("{:016x}", h);
}

std::string stamp_text(const std::string& gen_hash, const std::string& src_hash) {
    return fmt::format("generator {}\nharness {}\n", gen_hash, src_hash);
}

// A finished build for these sources: the harness is there and the stamp names the same hashes.
bool build_is_current(const fs::path& dir, const std::string& stamp) {
    std::error_code ec;
    return fs::is_regular_file(dir / "harness", ec) && read_text(dir / kStampName) == stamp;
}

// Removes a directory tree, ignoring errors (best effort: a leftover only wastes disk space).
void remove_quietly(const fs::path& p) {
    std::error_code ec;
    fs::remove_all(p, ec);
}

void check_file_name(const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
        throw SimulationError(fmt::format("generate_rtl returned an invalid file name \"{}\"", name));
    }
}

bool is_sv_source(const std::string& name) {
    auto ends = [&name](const std::string& suf) {
        return name.size() > suf.size() && name.compare(name.size() - suf.size(), suf.size(), suf) == 0;
    };
    return ends(".sv") || ends(".v");
}

// Runs verilator in `dir` (a fresh directory): writes the RTL to dir/rtl, builds dir/harness.
void verilate(const fs::path& dir, const fs::path& src, const std::vector<GeneratedFile>& files) {
    fs::create_directories(dir / "rtl");
    std::vector<std::string> sv;
    for (const GeneratedFile& f : files) {
        check_file_name(f.name);
        write_text(dir / "rtl" / f.name, f.text);
        if (is_sv_source(f.name)) sv.push_back((dir / "rtl" / f.name).string());
    }
    if (sv.empty()) throw SimulationError("generate_rtl returned no .sv files");
    std::vector<std::string> argv = {"verilator", "--cc", "--exe", "--build", "-j", "2", "--trace", "-O3",
                                     "--x-assign", "fast", "--x-initial", "fast", "-Wno-fatal",
                                     "--top-module", "sasim_top", "-Mdir", (dir / "obj").string(),
                                     "+incdir+" + (dir / "rtl").string(), "-CFLAGS",
                                     fmt::format("-std=c++17 -O2 -I{} -I{}", (src / "sim").string(),
                                                 (fs::path(SASIM_BINARY_DIR) / "generated").string()),
                                     "-o", (dir / "harness").string()};
    argv.insert(argv.end(), sv.begin(), sv.end());
    argv.push_back((src / "rtl/harness/harness.cpp").string());
    argv.push_back((src / "sim/model/dram_timing.cpp").string());
    std::vector<std::pair<std::string, std::string>> env;
    if (!find_on_path("ccache").empty()) env.emplace_back("OBJCACHE", "ccache");
    const fs::path log = dir / "build.log";
    {
        // The command line heads the log, so a failed build can be repeated by hand.
        std::string cmd;
        for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + (a.find(' ') == std::string::npos ? a : "'" + a + "'");
        write_text(dir / "command.txt", cmd + "\n");
    }
    const int rc = run_process(argv, log.string(), env);
    if (rc != 0 || !fs::is_regular_file(dir / "harness")) {
        throw SimulationError(fmt::format("verilator failed (exit status {}); see {} (command in {}):\n{}", rc,
                                          log.string(), (dir / "command.txt").string(),
                                          tail_lines(log.string(), kLogTailLines)));
    }
}

}  // namespace

std::string resolve_cache_dir(const BuildOptions& opt) {
    if (!opt.cache_dir.empty()) return opt.cache_dir;
    auto env = [](const char* name) {
        const char* v = std::getenv(name);
        return std::string(v == nullptr ? "" : v);
    };
    if (!env("SASIM_RTL_CACHE").empty()) return env("SASIM_RTL_CACHE");
    if (!env("XDG_CACHE_HOME").empty()) return (fs::path(env("XDG_CACHE_HOME")) / "sasim/rtl").string();
    if (!env("HOME").empty()) return (fs::path(env("HOME")) / ".cache/sasim/rtl").string();
    throw InputError("rtl check: no cache directory (HOME is not set): give --cache-dir or set SASIM_RTL_CACHE");
}

std::string ensure_harness(const Config& cfg, const BuildOptions& opt) {
    const fs::path src = opt.source_dir.empty() ? fs::path(SASIM_SOURCE_DIR) : fs::path(opt.source_dir);
    if (!fs::is_regular_file(src / "rtl/harness/harness.cpp")) {
        throw InputError(fmt::format("{}: not found (--source-dir must name the sasim source tree)",
                                     (src / "rtl/harness/harness.cpp").string()));
    }
    const std::vector<GeneratedFile> files = generate_rtl(cfg, opt.generate);
    const std::string hash = hardware_hash(cfg, opt.generate);
    const std::string stamp = stamp_text(generated_hash(files), harness_source_hash(src));
    const fs::path cache = resolve_cache_dir(opt);
    const fs::path final_dir = cache / hash;
    if (build_is_current(final_dir, stamp)) {
        if (!opt.quiet) std::cerr << "using cached RTL build " << final_dir.string() << '\n';
        return (final_dir / "harness").string();
    }
    if (find_on_path("verilator").empty()) throw InputError("rtl check needs verilator (Debian package verilator)");
    std::error_code ec;
    fs::create_directories(cache, ec);
    if (ec || !fs::is_directory(cache)) {
        throw InputError(fmt::format("{}: cannot create the RTL cache directory ({})", cache.string(), ec.message()));
    }
    std::cerr << fmt::format("verilating {} (first check of this hardware; cached afterwards)...", hash) << std::endl;
    const fs::path tmp = make_temp_dir(cache.string(), "." + hash + ".build.");
    // mkdtemp makes it private; the installed build is as readable as the rest of the cache.
    fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec, ec);
    try {
        verilate(tmp, src, files);
    } catch (const SimulationError&) {
        if (!fs::exists(tmp / "build.log")) {  // failed before verilator ran
            remove_quietly(tmp);
            throw;
        }
        // Keep the failed build's log next to the cache entry, then drop the half-built tree.
        const fs::path kept = cache / (hash + ".failed.log");
        fs::copy_file(tmp / "build.log", kept, fs::copy_options::overwrite_existing, ec);
        remove_quietly(tmp);
        const fs::path log = ec ? tmp / "build.log" : kept;
        throw SimulationError(fmt::format("verilating {} failed; see {}:\n{}", hash, log.string(),
                                          tail_lines(log.string(), kLogTailLines)));
    }
    write_text(tmp / kStampName, stamp);

    // Install: move an outdated build aside, then rename ours into place. When another check installed a
    // current build meanwhile, use that one and drop ours.
    if (fs::exists(final_dir, ec)) {
        if (build_is_current(final_dir, stamp)) {
            remove_quietly(tmp);
            return (final_dir / "harness").string();
        }
        const fs::path old = make_temp_dir(cache.string(), "." + hash + ".old.");
        fs::rename(final_dir, old / "build", ec);
        remove_quietly(old);
    }
    fs::rename(tmp, final_dir, ec);
    if (ec) {
        remove_quietly(tmp);
        if (build_is_current(final_dir, stamp)) return (final_dir / "harness").string();
        throw SimulationError(fmt::format("cannot install the RTL build into {} ({})", final_dir.string(), ec.message()));
    }
    return (final_dir / "harness").string();
}

}  // namespace sasim::rtl
