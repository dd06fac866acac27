// SPDX-License-Identifier: MIT
// The process pool of a sweep: fork/exec of `sasim run` per point, done markers, progress.
#include "sweep/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/json_text.h"
#include "compiler/memory_estimate.h"
#include "config/config.h"
#include "sweep/expand.h"
#include "sweep/io.h"
#include "sweep/results.h"

namespace fs = std::filesystem;

namespace sasim::sweep {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// The memory a point's run is estimated to take: its largest layer (layers run one after another).
// A point whose config or workload does not load is estimated at a bare process: its run reports why.
uint64_t point_memory_bytes(const Sweep& sweep, const Point& p, std::map<size_t, Workload>& workloads) {
    try {
        auto it = workloads.find(p.workload);
        if (it == workloads.end()) {
            it = workloads.emplace(p.workload, load_workload(sweep.spec.workloads[p.workload].path)).first;
        }
        const Config cfg = config_from_json(p.config, "config.json");
        uint64_t most = kBaseProcessBytes;
        for (const Layer& layer : it->second.layers) {
            if (layer.kind == LayerKind::Other) continue;
            const MemoryNeeds needs{sweep.spec.check, sweep.spec.check, false};  // values and check, or --timing-only
            most = std::max(most, estimate_layer_memory(layer, cfg, needs).total_bytes);
        }
        return most;
    } catch (const InputError&) {
        return kBaseProcessBytes;
    }
}

std::string clock_text(double seconds) {
    const auto s = static_cast<long long>(seconds + 0.5);
    if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

// Starts `sasim run` for one point; returns its pid. The child's stdout is discarded, its stderr goes
// to <point dir>/stderr.txt, and it is killed if the sweep process dies (so kill -9 leaves no orphans).
pid_t start_point(const Sweep& sweep, const RunnerOptions& opt, const Point& p) {
    const std::string pdir = point_dir(opt.dir, p.id);
    fs::create_directories(pdir);
    for (const char* stale : {"report.json", "layers.csv", "result.json"}) fs::remove(fs::path(pdir) / stale);
    const std::string config_path = (fs::path(pdir) / "config.json").string();
    write_atomic(config_path, json_text(p.config, 2) + "\n");
    // The run works in its point directory, so its messages name "config.json", not this machine's path.
    const std::string workload = fs::absolute(sweep.spec.workloads[p.workload].path).string();
    std::vector<std::string> args = {opt.exe, "run",    "--config", "config.json", "--workload", workload, "--out", ".",
                                     "--format", "json", "-q",      "--seed", std::to_string(sweep.spec.seed)};
    if (!sweep.spec.check) args.emplace_back("--timing-only");
    if (opt.max_memory_bytes != UINT64_MAX) {
        args.emplace_back("--max-memory");
        args.emplace_back(std::to_string(opt.max_memory_bytes));
    }
    if (sweep.spec.area) args.emplace_back("--area");
    // One search process per point: the sweep's --jobs already runs points side by side. The mapper cache
    // ($SASIM_MAPPER_CACHE or ~/.cache/sasim) is shared, so points of one config search each shape once.
    for (const char* a : {"--mapper", sweep.spec.mapper.c_str(), "--jobs", "1"}) args.emplace_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string err_path = (fs::path(pdir) / "stderr.txt").string();
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid < 0) throw SimulationError(fmt::format("sweep: fork failed: {}", std::strerror(errno)));
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);  // dup2 clears O_CLOEXEC on the copies
        const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (null_fd >= 0) {
            ::dup2(null_fd, STDIN_FILENO);
            ::dup2(null_fd, STDOUT_FILENO);
        }
        if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
        if (::chdir(pdir.c_str()) != 0) ::_exit(127);
        ::execv(argv[0], argv.data());
        const std::string msg = fmt::format("cannot start {}: {}\n", argv[0], std::strerror(errno));
        const ssize_t ignored = ::write(STDERR_FILENO, msg.data(), msg.size());
        (void)ignored;
        ::_exit(127);
    }
    return pid;
}

// The outcome of a finished run, read from its exit status, report.json and stderr.txt.
PointResult collect(const RunnerOptions& opt, const Point& p, int status, double seconds) {
    const fs::path pdir = point_dir(opt.dir, p.id);
    PointResult r;
    r.id = p.id;
    r.wall_seconds = seconds;
    std::string first_line;
    const std::string err = read_text((pdir / "stderr.txt").string());
    size_t start = 0;
    while (start < err.size() && first_line.empty()) {
        const size_t nl = err.find('\n', start);
        first_line = err.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        start = nl == std::string::npos ? err.size() : nl + 1;
    }
    if (WIFSIGNALED(status)) {
        r.exit_code = 128 + WTERMSIG(status);
        r.status = "failed";
        r.error = fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
        return r;
    }
    r.exit_code = WEXITSTATUS(status);
    if (r.exit_code == 0 || r.exit_code == 1) {
        r.report = json::parse(read_text((pdir / "report.json").string()), nullptr, false);
        if (r.report.is_discarded() || !r.report.is_object() || !r.report.contains("layers")) {
            r.report = nullptr;
            r.status = "failed";
            r.error = fmt::format("exit code {} but no readable report.json", r.exit_code);
            return r;
        }
    }
    if (r.exit_code == 0) {
        r.status = "ok";
        return r;
    }
    r.status = r.exit_code == 1 ? "check_failed" : "failed";
    r.error = first_line.empty() ? fmt::format("exit code {}", r.exit_code) : first_line;
    return r;
}

class Progress {
public:
    Progress(const RunnerOptions& opt, std::ostream& log, size_t total, size_t done, size_t to_run)
        : m_opt(opt), m_log(log), m_total(total), m_done(done), m_to_run(to_run), m_start(Clock::now()) {}

    double elapsed() const { return std::chrono::duration<double>(Clock::now() - m_start).count(); }

    void finished(const Sweep& sweep, const Point& p, const PointResult& r) {
        m_done++;
        m_ran++;
        if (r.status != "ok") m_failed++;
        if (m_opt.quiet) return;
        const std::string what = fmt::format("{} {}", sweep.spec.workloads[p.workload].name, point_label(sweep.spec, p.values));
        if (m_opt.progress_bar) {
            if (r.status != "ok") {
                m_log << fmt::format("\r\033[Kpoint {} ({}) {}: {}\n", p.id, what, r.status, r.error);
            }
            draw();
            return;
        }
        const int width = static_cast<int>(std::to_string(m_total).size());
        m_log << fmt::format("sweep: [{:>{}}/{}] {:<12} {:>7.1f} s  {}  (elapsed {}, ETA {}){}\n", m_done, width,
                             m_total, r.status, r.wall_seconds, what, clock_text(elapsed()), eta(),
                             r.error.empty() ? "" : ": " + r.error);
        m_log.flush();
    }

    void draw() {
        if (m_opt.quiet || !m_opt.progress_bar) return;
        constexpr size_t kWidth = 30;
        const size_t filled = m_total == 0 ? kWidth : kWidth * m_done / m_total;
        m_log << fmt::format("\r\033[K[{}{}] {}/{} points{}  elapsed {}  ETA {}", std::string(filled, '#'),
                             std::string(kWidth - filled, '.'), m_done, m_total,
                             m_failed > 0 ? fmt::format(" ({} failed)", m_failed) : "", clock_text(elapsed()), eta());
        m_log.flush();
    }

    void end() {
        if (!m_opt.quiet && m_opt.progress_bar) {
            m_log << "\r\033[K";
            m_log.flush();
        }
    }

private:
    std::string eta() const {
        if (m_ran >= m_to_run) return "0:00";
        if (m_ran == 0) return "?";
        return clock_text(elapsed() / static_cast<double>(m_ran) * static_cast<double>(m_to_run - m_ran));
    }
    const RunnerOptions& m_opt;
    std::ostream& m_log;
    size_t m_total, m_done, m_to_run;
    size_t m_ran = 0;
    size_t m_failed = 0;
    Clock::time_point m_start;
};

}  // namespace

RunnerSummary run_sweep(const Sweep& sweep, const RunnerOptions& opt, std::ostream& log) {
    std::error_code ec;
    fs::create_directories(fs::path(opt.dir) / "points", ec);
    if (ec || !fs::is_directory(fs::path(opt.dir) / "points")) {
        throw InputError(fmt::format("{}: cannot create sweep directory ({})", opt.dir, ec.message()));
    }
    // Before any point runs: the files the sweep renames over or appends to must not be special files.
    for (const char* name : {"results.csv", "points.jsonl", "sweep.json"}) {
        refuse_special_file((fs::path(opt.dir) / name).string());
    }
    DirLock lock(opt.dir);
    const SweepIndex index = make_index(sweep, opt.shard);
    write_index(opt.dir, index);
    rebuild_outputs(opt.dir, index);  // also drops a half-appended row left by kill -9

    RunnerSummary sum;
    std::deque<size_t> pending;
    for (const Point& p : sweep.points) {
        if (!in_shard(p, opt.shard)) continue;
        sum.total++;
        const auto done = read_result(opt.dir, p.id);
        if (done && !(opt.retry_failed && done->status != "ok")) {
            sum.skipped++;
        } else {
            pending.push_back(p.index);
        }
    }
    if (!opt.quiet) {
        log << fmt::format("sweep {}: {} points{}{}: {} to run, {} already done, {} job{} -> {}\n", sweep.spec.name,
                           sum.total, opt.shard.count > 1 ? fmt::format(" in shard {}", opt.shard.text()) : "",
                           sweep.pruned > 0 ? fmt::format(" ({} left out by constraints)", sweep.pruned) : "",
                           pending.size(), sum.skipped, opt.jobs, opt.jobs == 1 ? "" : "s", opt.dir);
        log.flush();
    }
    Progress progress(opt, log, sum.total, sum.skipped, pending.size());
    progress.draw();
    const std::string csv_path = (fs::path(opt.dir) / "results.csv").string();
    const std::string jsonl_path = (fs::path(opt.dir) / "points.jsonl").string();
    struct Running {
        size_t point;
        Clock::time_point start;
    };
    std::map<pid_t, Running> running;
    std::map<size_t, Workload> workloads;  // loaded once each, for the memory estimates
    std::map<size_t, uint64_t> memory;     // point index -> estimated bytes, for the points not yet done
    uint64_t running_memory = 0;
    if (opt.max_memory_bytes != UINT64_MAX) {
        for (size_t i : pending) memory[i] = point_memory_bytes(sweep, sweep.points[i], workloads);
    }
    auto last_draw = Clock::now();
    while (!pending.empty() || !running.empty()) {
        while (!pending.empty() && running.size() < std::max(1u, opt.jobs)) {
            const size_t i = pending.front();
            // In order: the next point waits until its estimate fits beside the running points (a point
            // that does not fit alone still starts, alone, and its run refuses with the estimate).
            const uint64_t need = memory.count(i) ? memory[i] : 0;
            if (!running.empty() && need > opt.max_memory_bytes - std::min(running_memory, opt.max_memory_bytes)) break;
            pending.pop_front();
            running_memory += need;
            running[start_point(sweep, opt, sweep.points[i])] = Running{i, Clock::now()};
        }
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == ECHILD) {
            throw SimulationError("sweep: lost track of the running points (waitpid: no child processes)");
        }
        if (pid <= 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (Clock::now() - last_draw > std::chrono::milliseconds(500)) {
                progress.draw();
                last_draw = Clock::now();
            }
            continue;
        }
        const auto it = running.find(pid);
        if (it == running.end()) continue;
        const Point& p = sweep.points[it->second.point];
        const double secs = std::chrono::duration<double>(Clock::now() - it->second.start).count();
        running.erase(it);
        if (memory.count(p.index)) running_memory -= std::min(running_memory, memory[p.index]);
        const PointResult r = collect(opt, p, status, secs);
        write_result(opt.dir, r);  // the point is done from here on; the appends below are a convenience
        append_durable(csv_path, csv_rows(index, p.index, r));
        append_durable(jsonl_path, jsonl_line(index, p.index, r));
        sum.ran++;
        progress.finished(sweep, p, r);
    }
    progress.end();
    const Counts after = rebuild_outputs(opt.dir, index);
    sum.finished = after.finished;
    sum.failed = after.failed;
    sum.seconds = progress.elapsed();
    return sum;
}

}  // namespace sasim::sweep
