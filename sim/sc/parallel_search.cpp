// SPDX-License-Identifier: MIT
#include "sc/parallel_search.h"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/json_text.h"
#include "common/stop_request.h"
#include "config/config.h"

namespace sasim::sc {
namespace {

using nlohmann::json;

void write_all(int fd, const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) ::_exit(3);  // the parent is gone
        done += static_cast<size_t>(n);
    }
}

// A worker: goes through `layers` (one per shape, the same list in every worker) in its own elaboration,
// searching each layer whose flag in `taken` it is the first to set. Writes {"start": name} when it takes
// a layer, {"key", "choice", "seconds"} when it has chosen, or one {"error", "input"} line; never returns.
[[noreturn]] void worker_main(int fd, const Config& cfg, const Workload& wl, std::vector<Layer> layers,
                              std::atomic<uint8_t>* taken, const RunOptions& parent) {
    Workload sub;
    sub.name = wl.name;
    sub.path = wl.path;
    sub.layers = std::move(layers);
    for (Layer& l : sub.layers) l.inputs = {kNetworkInput};  // one per shape: no graph among them
    RunOptions o;
    o.seed = parent.seed;
    o.check = false;
    o.compute_values = false;
    o.watchdog_cycles = parent.watchdog_cycles;
    o.mapper = "search";
    o.exhaustive_search = parent.exhaustive_search;
    o.search_only = true;
    if (parent.inject_fault == "late-result") o.inject_fault = parent.inject_fault;  // it changes timing
    o.search_jobs = 1;
    const bool die = parent.inject_fault == "kill-search-worker";
    o.search_claim = [fd, taken, die](size_t index, const Layer& layer) {
        if (taken[index].exchange(1) != 0) return false;
        write_all(fd, json_text(json{{"start", layer.name}}) + "\n");
        if (die) ::raise(SIGKILL);  // fault injection: the parent must name this layer and stop
        return true;
    };
    o.progress = [fd](size_t, size_t, const model::LayerStats* done, const Layer& layer) {
        if (done == nullptr) return;
        CachedChoice c;
        if (!done->mapping.heuristic) c.mapping = done->mapping.mapping;
        c.cycles = done->cycles;
        c.bound_cycles = done->mapping.bound_cycles;
        c.candidates = done->mapping.candidates;
        c.simulated = done->mapping.simulated;
        c.heuristic_cycles = done->mapping.heuristic_cycles;
        const json line = {{"key", mapper_shape_key(layer)},
                           {"choice", cached_choice_to_json(c)},
                           {"seconds", done->mapping.search_seconds}};
        write_all(fd, json_text(line) + "\n");
    };
    int status = 0;
    try {
        (void)run_workload(cfg, sub, o);
    } catch (const InputError& e) {
        write_all(fd, json_text(json{{"error", e.what()}, {"input", true}}) + "\n");
        status = 2;
    } catch (const std::exception& e) {
        write_all(fd, json_text(json{{"error", e.what()}, {"input", false}}) + "\n");
        status = 1;
    }
    // No destructors, no atexit handlers: the parent owns the streams and the files.
    ::_exit(status);
}

struct Worker {
    pid_t pid = -1;
    int fd = -1;
    std::string buffer;   // bytes read but not yet a whole line
    std::string current;  // the layer it took and has not chosen for yet ("" = none)
};

// Flags shared by the workers (one per layer to search): which layers some worker has taken.
class SharedFlags {
public:
    explicit SharedFlags(size_t n) : m_bytes(std::max<size_t>(n, 1)) {
        static_assert(std::atomic<uint8_t>::is_always_lock_free);
        void* p = ::mmap(nullptr, m_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw SimulationError(fmt::format("mapper search: mmap failed: {}", std::strerror(errno)));
        m_flags = new (p) std::atomic<uint8_t>[m_bytes]();
    }
    ~SharedFlags() { ::munmap(m_flags, m_bytes); }
    SharedFlags(const SharedFlags&) = delete;
    SharedFlags& operator=(const SharedFlags&) = delete;
    std::atomic<uint8_t>* get() const { return m_flags; }

private:
    size_t m_bytes;
    std::atomic<uint8_t>* m_flags = nullptr;
};

std::string describe_exit(int status) {
    if (WIFSIGNALED(status)) return fmt::format("was killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
    return fmt::format("exited with status {}", WEXITSTATUS(status));
}

}  // namespace

std::map<std::string, PresearchedChoice> presearch(const Config& cfg, const Workload& wl, const RunOptions& opt,
                                                   unsigned workers) {
    // One layer per shape that neither the cache nor an earlier layer already covers.
    const MappingCache cache(opt.mapper_cache_dir, config_hash(cfg));
    std::vector<const Layer*> todo;
    std::set<std::string> seen;
    for (const Layer& l : wl.layers) {
        if (l.kind == LayerKind::Other) continue;
        const std::string key = mapper_shape_key(l);
        if (!seen.insert(key).second || cache.find(key)) continue;
        todo.push_back(&l);
    }
    std::map<std::string, PresearchedChoice> out;
    if (todo.empty()) return out;
    // Every worker walks the same list, largest layer first (MACs stand in for search time), and takes the next
    // layer no other worker has taken: the last layers even the load out.
    workers = std::max(1u, std::min<unsigned>(workers, static_cast<unsigned>(todo.size())));
    std::stable_sort(todo.begin(), todo.end(),
                     [](const Layer* a, const Layer* b) { return a->gemm_view().macs() > b->gemm_view().macs(); });
    std::vector<Layer> layers;
    for (const Layer* l : todo) layers.push_back(*l);
    const SharedFlags taken(layers.size());

    std::vector<Worker> pool;
    auto stop_all = [&pool] {
        for (Worker& w : pool) {
            if (w.pid > 0) {
                ::kill(w.pid, SIGKILL);
                ::waitpid(w.pid, nullptr, 0);
                w.pid = -1;
            }
            if (w.fd >= 0) ::close(w.fd);
            w.fd = -1;
        }
    };
    const pid_t parent = ::getpid();
    for (unsigned i = 0; i < workers; ++i) {
        int fds[2];
        if (::pipe(fds) != 0) {
            stop_all();
            throw SimulationError(fmt::format("mapper search: pipe failed: {}", std::strerror(errno)));
        }
        const pid_t pid = ::fork();
        if (pid < 0) {
            ::close(fds[0]);
            ::close(fds[1]);
            stop_all();
            throw SimulationError(fmt::format("mapper search: fork failed: {}", std::strerror(errno)));
        }
        if (pid == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
            ::close(fds[0]);
            for (const Worker& w : pool) ::close(w.fd);
            worker_main(fds[1], cfg, wl, layers, taken.get(), opt);
        }
        ::close(fds[1]);
        Worker w;
        w.pid = pid;
        w.fd = fds[0];
        pool.push_back(std::move(w));
    }

    const size_t total = todo.size();
    if (opt.search_progress) opt.search_progress(0, total, workers);
    std::string first_error;
    bool input_error = false;
    size_t open = pool.size();
    while (open > 0 && first_error.empty()) {
        std::vector<pollfd> pfds;
        std::vector<size_t> which;
        for (size_t i = 0; i < pool.size(); ++i) {
            if (pool[i].fd < 0) continue;
            pfds.push_back({pool[i].fd, POLLIN, 0});
            which.push_back(i);
        }
        if (::poll(pfds.data(), pfds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            first_error = fmt::format("mapper search: poll failed: {}", std::strerror(errno));
            break;
        }
        for (size_t p = 0; p < pfds.size() && first_error.empty(); ++p) {
            if (pfds[p].revents == 0) continue;
            Worker& w = pool[which[p]];
            char buf[65536];
            const ssize_t n = ::read(w.fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n > 0) {
                w.buffer.append(buf, static_cast<size_t>(n));
                size_t nl;
                while ((nl = w.buffer.find('\n')) != std::string::npos && first_error.empty()) {
                    const json line = json::parse(w.buffer.substr(0, nl), nullptr, false);
                    w.buffer.erase(0, nl + 1);
                    std::vector<std::string> problems;
                    std::optional<CachedChoice> c;
                    if (line.is_object() && line.contains("start") && line["start"].is_string()) {
                        w.current = line["start"].get<std::string>();
                    } else if (line.is_object() && line.contains("error")) {
                        first_error = line["error"].is_string() ? line["error"].get<std::string>() : "mapper search failed";
                        input_error = line.value("input", false);
                    } else if (line.is_object() && line.contains("key") && line["key"].is_string() &&
                               (c = cached_choice_from_json(line.value("choice", json()), "mapper search worker",
                                                            "choice", problems))) {
                        out[line["key"].get<std::string>()] = {*c, line.value("seconds", 0.0)};
                        w.current.clear();
                        if (opt.search_progress) opt.search_progress(out.size(), total, workers);
                    } else {
                        first_error = "mapper search: a worker sent a line that is not a choice";
                    }
                }
                continue;
            }
            // End of the worker's output: it has finished or died.
            ::close(w.fd);
            w.fd = -1;
            --open;
            int status = 0;
            ::waitpid(w.pid, &status, 0);
            w.pid = -1;
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) || !w.current.empty()) {
                first_error = w.current.empty()
                                  ? fmt::format("mapper search: a worker {}", describe_exit(status))
                                  : fmt::format("mapper search: the worker searching layer {} {}", w.current,
                                                describe_exit(status));
            }
        }
    }
    stop_all();
    // Ctrl-C reaches the workers too (one process group): they stop and report it as an error.
    if (const int sig = stop_requested()) throw RunInterrupted(sig, {});
    if (first_error.empty() && out.size() != total) {
        first_error = fmt::format("mapper search: the workers chose for {} of {} layer shapes", out.size(), total);
    }
    if (!first_error.empty()) {
        if (input_error) throw InputError(first_error);
        throw SimulationError(first_error);
    }
    return out;
}

}  // namespace sasim::sc
