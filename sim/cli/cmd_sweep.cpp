// SPDX-License-Identifier: MIT
// `sasim sweep SPEC`: run a design-space sweep (docs/sweeps.md); `sasim sweep merge`: combine shards.
#include <cstdlib>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "compiler/memory_estimate.h"
#include "common/errors.h"
#include "sweep/expand.h"
#include "sweep/results.h"
#include "sweep/runner.h"
#include "sweep/spec.h"

namespace fs = std::filesystem;

namespace sasim::cli {

namespace {

struct SweepArgs {
    std::string spec;
    std::string out_dir;
    unsigned jobs = 0;
    std::string shard = "0/1";
    bool retry_failed = false;
    bool dry_run = false;
    bool quiet = false;
    std::string max_memory;  // --max-memory ("" = default_max_memory_bytes())
    std::vector<std::string> merge_inputs;
    std::string merge_out;
};

int run_sweep_command(const SweepArgs& a) {
    if (a.spec.empty()) throw InputError("sweep: name a sweep spec file, e.g. sasim sweep configs/sweeps/rect.json");
    const sweep::Shard shard = sweep::parse_shard(a.shard);
    const uint64_t max_memory = a.max_memory.empty() ? default_max_memory_bytes()
                                                     : parse_size_bytes(a.max_memory, "--max-memory");
    const sweep::Sweep sw = sweep::load_sweep(a.spec);
    if (a.dry_run) {
        size_t n = 0;
        for (const auto& p : sw.points) {
            if (!sweep::in_shard(p, shard)) continue;
            n++;
            std::cout << fmt::format("{:>5} {} {} {}\n", p.index, p.id, sw.spec.workloads[p.workload].name,
                                     sweep::point_label(sw.spec, p.values));
        }
        std::cout << fmt::format("{} points{} ({} of {}; {} left out by constraints, {} invalid skipped)\n", n,
                                 shard.count > 1 ? " in shard " + shard.text() : "", n, sw.points.size(), sw.pruned,
                                 sw.invalid);
        return 0;
    }
    sweep::RunnerOptions opt;
    // The children exec /proc/self/exe, which a forked child resolves to the binary of this process:
    // every point runs the same sasim, even when build/sasim is rebuilt while the sweep runs.
    // Inside another program (the Python module: /proc/self/exe is python), $SASIM_EXE names the binary.
    const char* exe = std::getenv("SASIM_EXE");
    opt.exe = exe != nullptr && *exe != '\0' ? exe : "/proc/self/exe";
    if (access(opt.exe.c_str(), X_OK) != 0) {
        throw SimulationError(fmt::format("sweep: cannot run {} ({})", opt.exe,
                                          exe != nullptr ? "$SASIM_EXE" : "is /proc mounted?"));
    }
    opt.dir = a.out_dir.empty() ? (fs::path("out") / "sweeps" / sw.spec.name).string() : a.out_dir;
    opt.jobs = a.jobs > 0 ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
    opt.shard = shard;
    opt.retry_failed = a.retry_failed;
    opt.quiet = a.quiet;
    opt.max_memory_bytes = max_memory;
    opt.progress_bar = isatty(STDERR_FILENO) != 0;
    const sweep::RunnerSummary s = sweep::run_sweep(sw, opt, std::cerr);
    std::cout << fmt::format("sweep {}: {} of {} points done ({} ok, {} failed); ran {} in {}s, {} already done\n",
                             sw.spec.name, s.finished, s.total, s.finished - s.failed, s.failed, s.ran,
                             fmt::format("{:.1f}", s.seconds), s.skipped);
    std::cout << fmt::format("wrote {}/results.csv and {}/points.jsonl\n", opt.dir, opt.dir);
    if (s.failed > 0) {
        std::cout << fmt::format("failed points keep their error in results.csv; {}/points/<id>/stderr.txt has the "
                                 "whole message; --retry-failed runs them again\n", opt.dir);
    }
    return s.failed > 0 || s.finished < s.total ? 1 : 0;
}

int run_merge_command(const SweepArgs& a) {
    const sweep::Counts c = sweep::merge_sweeps(a.merge_inputs, a.merge_out);
    const size_t total = sweep::read_index(a.merge_out).points().size();
    std::cout << fmt::format("merged {} director{} into {}: {} of {} points done ({} failed, {} missing)\n",
                             a.merge_inputs.size(), a.merge_inputs.size() == 1 ? "y" : "ies", a.merge_out, c.finished, total, c.failed, total - c.finished);
    return c.failed > 0 || c.finished < total ? 1 : 0;
}

}  // namespace

Command add_sweep_command(CLI::App& app) {
    auto args = std::make_shared<SweepArgs>();
    CLI::App* cmd = app.add_subcommand(
        "sweep", "Run a design-space sweep from a JSON spec: one `sasim run` process per point, --jobs at a time; "
                 "re-running the same command resumes (docs/sweeps.md)");
    cmd->add_option("spec", args->spec, "Sweep spec JSON (format in docs/sweeps.md)");
    cmd->add_option("-o,--out", args->out_dir,
                    "Sweep directory: results.csv, points.jsonl, sweep.json, points/<id>/ (default out/sweeps/<name>)");
    cmd->add_option("-j,--jobs", args->jobs, "Points run at the same time (default: the number of CPUs)")
        ->check(CLI::Range(1u, 1024u));
    cmd->add_option("--max-memory", args->max_memory,
                    fmt::format("Memory the points running at once may take together (8G, 512M, bytes): a point "
                                "starts when its estimate fits beside the running ones, and one that cannot fit "
                                "fails with its estimate (default 80 % of physical memory: {} here)",
                                format_bytes(default_max_memory_bytes())));
    cmd->add_option("--shard", args->shard, "Run only slice i of N (points with index % N == i), e.g. 0/4");
    cmd->add_flag("--retry-failed", args->retry_failed, "Run points that failed before again");
    cmd->add_flag("--dry-run", args->dry_run, "List the points (index, id, workload, axis values) and exit");
    cmd->add_flag("-q,--quiet", args->quiet, "No progress output");
    cmd->require_subcommand(0, 1);

    CLI::App* merge = cmd->add_subcommand("merge", "Combine the directories of sweep shards into one directory");
    merge->add_option("dirs", args->merge_inputs, "Shard directories (from --shard runs of the same spec)")
        ->required()
        ->check(CLI::ExistingDirectory);
    merge->add_option("-o,--out", args->merge_out, "Directory to write the merged sweep into")->required();

    return {cmd, [args, merge] { return merge->parsed() ? run_merge_command(*args) : run_sweep_command(*args); }};
}

}  // namespace sasim::cli
