// SPDX-License-Identifier: MIT
// sasim._core: the command line, run in a forked child process per call. SystemC elaborates once per
// process, so a Python session that runs many simulations cannot run them in its own process; a child
// that runs cli::cli_main and exits costs a fork (milliseconds) and keeps every call independent. The
// child's stdout and stderr come back as strings with its exit code; sasim/__init__.py turns them into
// results and exceptions.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "analysis/scalesim_cfg.h"
#include "cli/commands.h"
#include "cli/process_heap.h"
#include "common/errors.h"
#include "config/config.h"
#include "sasim_version.h"

namespace py = pybind11;

namespace {

// Reads both pipes to their end without blocking on either (a child may fill one while we wait on the other).
void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
    struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    std::string* bufs[2] = {&out, &err};
    int open_fds = 2;
    char chunk[65536];
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("sasim: poll: ") + std::strerror(errno));
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            const ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
            if (n > 0) {
                bufs[i]->append(chunk, static_cast<size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
}

// Runs `sasim ARGS...` in a child: (exit code, stdout, stderr). A child killed by a signal gives 128 + it.
std::tuple<int, std::string, std::string> run_cli(const std::vector<std::string>& args) {
    int out_pipe[2], err_pipe[2];
    if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) {
        throw std::runtime_error(std::string("sasim: pipe: ") + std::strerror(errno));
    }
    std::string out, err;
    int status = 0;
    {
        py::gil_scoped_release release;  // other Python threads run while the child simulates
        const pid_t pid = ::fork();
        if (pid < 0) throw std::runtime_error(std::string("sasim: fork: ") + std::strerror(errno));
        if (pid == 0) {
            // The child: C++ only, then _exit (no Python finalizers, no atexit handlers of the parent).
            ::dup2(out_pipe[1], STDOUT_FILENO);
            ::dup2(err_pipe[1], STDERR_FILENO);
            ::close(out_pipe[0]);
            ::close(err_pipe[0]);
            ::close(out_pipe[1]);
            ::close(err_pipe[1]);
            ::setenv("SASIM_EXE", SASIM_EXE_PATH, 0);  // sweeps run the binary, not python
            std::vector<std::string> storage;
            storage.reserve(args.size() + 1);
            storage.push_back("sasim");
            for (const auto& a : args) storage.push_back(a);
            std::vector<char*> argv;
            for (auto& s : storage) argv.push_back(s.data());
            argv.push_back(nullptr);
            int rc = 3;
            try {
                sasim::cli::tune_process_heap();  // this child's heap, as the binary's
                rc = sasim::cli::cli_main(static_cast<int>(storage.size()), argv.data());
            } catch (...) {
                rc = 3;
            }
            std::fflush(nullptr);
            ::_exit(rc);
        }
        ::close(out_pipe[1]);
        ::close(err_pipe[1]);
        drain(out_pipe[0], err_pipe[0], out, err);
        while (::waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR) throw std::runtime_error(std::string("sasim: waitpid: ") + std::strerror(errno));
        }
    }
    const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return {rc, std::move(out), std::move(err)};
}

// The config at `path` (sasim JSON or SCALE-Sim .cfg), validated, with every key resolved, as JSON text;
// (false, message) when sasim refuses it. Plain C++ (no SystemC), so it runs in this process.
std::pair<bool, std::string> load_config_json(const std::string& path) {
    try {
        return {true, sasim::config_to_json(sasim::analysis::load_any_config(path)).dump()};
    } catch (const sasim::InputError& e) {
        std::string msg;
        for (const auto& line : e.lines()) msg += (msg.empty() ? "" : "\n") + line;
        return {false, msg};
    }
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "sasim's command line, run in a forked child per call (see the sasim package)";
    m.attr("version") = SASIM_VERSION;
    m.attr("executable") = SASIM_EXE_PATH;
    m.def("run_cli", &run_cli, py::arg("args"),
          "Runs `sasim ARGS...` in a child process; returns (exit code, stdout, stderr).");
    m.def("load_config_json", &load_config_json, py::arg("path"),
          "(True, the resolved config as JSON) or (False, sasim's message) for the config at `path`.");
}
