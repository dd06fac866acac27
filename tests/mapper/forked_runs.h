// SPDX-License-Identifier: MIT
// Several sc::run_workload calls from one TEST_CASE. SystemC elaborates once per process, so each run is a
// forked child of the (never elaborated) test process: the child runs its workload and writes every
// layer's statistics to a file, the parent reads them back. Up to `parallel` children run at a time.
#pragma once
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>

#include "compiler/mapping.h"
#include "config/config.h"
#include "model/stats.h"
#include "sc/simulator.h"
#include "workload/workload.h"

namespace sasim::mappertest {

// What a test compares of one layer's LayerStats.
struct LayerResult {
    std::string name;
    uint64_t cycles = 0;
    bool simulated = false;
    bool checked = false, pass = false;
    uint64_t mismatches = 0;
    std::string strategy;          // MappingChoice::strategy
    bool heuristic = true;         // MappingChoice::heuristic
    std::string mapping;           // describe(MappingChoice::mapping), "heuristic" when heuristic
    uint64_t bound_cycles = 0, candidates = 0, simulated_programs = 0, heuristic_cycles = 0;
    bool memo_hit = false;
    std::string first_mismatch;
};

struct RunResult {
    std::string error;                 // what the run threw (or how the child died); "" = it returned
    std::vector<LayerResult> layers;
    double seconds = 0;                // wall time of the child
};

// One run_workload call. `opt.replay` is set from `replay` in the child (null when empty).
struct RunJob {
    std::string label;
    Config cfg;
    Workload wl;
    sc::RunOptions opt;
    std::map<std::string, Mapping> replay;
};

namespace detail {

inline std::string one_line(std::string s) {
    for (char& c : s) {
        if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    }
    return s;
}

// The child: runs the job, writes the results, never returns.
[[noreturn]] inline void child(RunJob& job, const std::string& path) {
    std::ofstream out(path);
    const auto t0 = std::chrono::steady_clock::now();
    try {
        if (!job.replay.empty()) job.opt.replay = &job.replay;
        const std::vector<model::LayerStats> stats = sc::run_workload(job.cfg, job.wl, job.opt);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        out << "OK\t" << secs << '\n';
        for (const model::LayerStats& st : stats) {
            const model::MappingChoice& mc = st.mapping;
            out << one_line(st.name) << '\t' << st.cycles << '\t' << st.simulated << '\t' << st.check.checked << '\t'
                << st.check.pass << '\t' << st.check.mismatches << '\t' << mc.strategy << '\t' << mc.heuristic << '\t'
                << (mc.heuristic ? std::string("heuristic") : describe(mc.mapping)) << '\t' << mc.bound_cycles
                << '\t' << mc.candidates << '\t' << mc.simulated << '\t' << mc.heuristic_cycles << '\t'
                << mc.memo_hit << '\t' << one_line(st.check.first_mismatch) << '\n';
        }
    } catch (const std::exception& e) {
        out << "ERROR\t" << one_line(e.what()) << '\n';
    } catch (...) {
        out << "ERROR\tunknown exception\n";
    }
    out.close();
    std::fflush(stdout);
    std::fflush(stderr);
    ::_exit(out ? 0 : 3);
}

inline RunResult read_result(const std::string& path) {
    RunResult r;
    std::ifstream in(path);
    std::string line;
    if (!std::getline(in, line)) {
        r.error = "no result written";
        return r;
    }
    if (line.rfind("ERROR\t", 0) == 0) {
        r.error = line.substr(6);
        return r;
    }
    if (line.rfind("OK\t", 0) != 0) {
        r.error = "malformed result: " + line;
        return r;
    }
    r.seconds = std::stod(line.substr(3));
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::istringstream ls(line);
        std::string field;
        while (std::getline(ls, field, '\t')) f.push_back(field);
        if (f.size() == 14) f.emplace_back();  // empty first_mismatch
        if (f.size() != 15) {
            r.error = "malformed result line: " + line;
            return r;
        }
        LayerResult l;
        l.name = f[0];
        l.cycles = std::stoull(f[1]);
        l.simulated = f[2] == "1";
        l.checked = f[3] == "1";
        l.pass = f[4] == "1";
        l.mismatches = std::stoull(f[5]);
        l.strategy = f[6];
        l.heuristic = f[7] == "1";
        l.mapping = f[8];
        l.bound_cycles = std::stoull(f[9]);
        l.candidates = std::stoull(f[10]);
        l.simulated_programs = std::stoull(f[11]);
        l.heuristic_cycles = std::stoull(f[12]);
        l.memo_hit = f[13] == "1";
        l.first_mismatch = f[14];
        r.layers.push_back(std::move(l));
    }
    return r;
}

}  // namespace detail

// Runs every job in its own child process, at most `parallel` at a time; results in job order. Must be
// called before anything in this process elaborated SystemC modules.
inline std::vector<RunResult> run_forked(std::vector<RunJob>& jobs, unsigned parallel) {
    if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
        throw std::logic_error("run_forked: this process has already elaborated SystemC modules");
    }
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("sasim_mapper_test." + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::vector<RunResult> results(jobs.size());
    std::map<pid_t, size_t> running;
    size_t next = 0;
    if (parallel == 0) parallel = 1;
    while (next < jobs.size() || !running.empty()) {
        while (next < jobs.size() && running.size() < parallel) {
            const std::string path = (dir / ("job" + std::to_string(next) + ".txt")).string();
            std::fflush(stdout);
            std::fflush(stderr);
            const pid_t pid = ::fork();
            if (pid < 0) throw std::runtime_error("run_forked: fork failed");
            if (pid == 0) detail::child(jobs[next], path);
            running[pid] = next++;
        }
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, 0);
        if (pid < 0) throw std::runtime_error("run_forked: waitpid failed");
        const auto it = running.find(pid);
        if (it == running.end()) continue;
        const size_t i = it->second;
        running.erase(it);
        const std::string path = (dir / ("job" + std::to_string(i) + ".txt")).string();
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            results[i] = detail::read_result(path);
        } else if (WIFSIGNALED(status)) {
            results[i].error = "child killed by signal " + std::to_string(WTERMSIG(status));
        } else {
            results[i].error = "child exited with status " + std::to_string(WEXITSTATUS(status));
        }
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    return results;
}

}  // namespace sasim::mappertest
