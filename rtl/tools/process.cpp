// SPDX-License-Identifier: MIT
#include "rtl/tools/process.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "common/errors.h"

extern char** environ;

namespace sasim::rtl {

int run_process(const std::vector<std::string>& argv, const std::string& log_path,
                const std::vector<std::pair<std::string, std::string>>& env) {
    if (argv.empty()) throw SimulationError("run_process: no program given");
    // Everything the child needs is prepared here: after fork() it only redirects and calls execve().
    const std::string exe = argv[0].find('/') == std::string::npos ? find_on_path(argv[0]) : argv[0];
    if (exe.empty()) throw SimulationError(fmt::format("{}: not found on PATH", argv[0]));
    std::vector<char*> cargv;
    for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string kv = *e;
        bool overridden = false;
        for (const auto& o : env) overridden = overridden || kv.rfind(o.first + "=", 0) == 0;
        if (!overridden) env_strings.push_back(kv);
    }
    for (const auto& o : env) env_strings.push_back(o.first + "=" + o.second);
    std::vector<char*> cenv;
    for (const std::string& kv : env_strings) cenv.push_back(const_cast<char*>(kv.c_str()));
    cenv.push_back(nullptr);

    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log < 0) throw SimulationError(fmt::format("{}: cannot open for writing ({})", log_path, std::strerror(errno)));
    const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(log);
        if (devnull >= 0) ::close(devnull);
        throw SimulationError(fmt::format("cannot start {} ({})", argv[0], std::strerror(errno)));
    }
    if (pid == 0) {
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        ::execve(exe.c_str(), cargv.data(), cenv.data());
        const char* msg = "exec failed: ";
        (void)!::write(STDERR_FILENO, msg, std::strlen(msg));
        (void)!::write(STDERR_FILENO, exe.c_str(), exe.size());
        (void)!::write(STDERR_FILENO, "\n", 1);
        ::_exit(127);
    }
    ::close(log);
    if (devnull >= 0) ::close(devnull);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw SimulationError(fmt::format("waiting for {} failed ({})", argv[0], std::strerror(errno)));
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 127;
}

std::string find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (path == nullptr) return "";
    std::string p = path;
    size_t b = 0;
    while (b <= p.size()) {
        size_t e = p.find(':', b);
        if (e == std::string::npos) e = p.size();
        const std::string dir = e > b ? p.substr(b, e - b) : ".";
        const std::string cand = dir + "/" + name;
        if (::access(cand.c_str(), X_OK) == 0) {
            struct stat st {};
            if (::stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return cand;
        }
        b = e + 1;
    }
    return "";
}

std::string make_temp_dir(const std::string& parent, const std::string& prefix) {
    std::string templ = parent + "/" + prefix + "XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
        throw SimulationError(fmt::format("{}: cannot create a temporary directory ({})", parent, std::strerror(errno)));
    }
    return std::string(buf.data());
}

std::string resolve_cache_dir(const std::string& override_dir, const char* env_var, const std::string& subdir,
                              const std::string& what, const std::string& flag) {
    if (!override_dir.empty()) return override_dir;
    auto env = [](const char* name) {
        const char* v = std::getenv(name);
        return std::string(v == nullptr ? "" : v);
    };
    if (!env(env_var).empty()) return env(env_var);
    if (!env("XDG_CACHE_HOME").empty()) return (std::filesystem::path(env("XDG_CACHE_HOME")) / "sasim" / subdir).string();
    if (!env("HOME").empty()) return (std::filesystem::path(env("HOME")) / ".cache/sasim" / subdir).string();
    throw InputError(fmt::format("{}: no cache directory (HOME is not set): give {} or set {}", what, flag, env_var));
}

std::string tail_lines(const std::string& path, size_t n) {
    std::ifstream f(path);
    if (!f) return "  | (" + path + " cannot be read)";
    std::deque<std::string> last;
    std::string line;
    while (std::getline(f, line)) {
        last.push_back(line);
        if (last.size() > n) last.pop_front();
    }
    std::string out;
    for (const auto& l : last) out += (out.empty() ? "  | " : "\n  | ") + l;
    return out.empty() ? "  | (empty)" : out;
}

}  // namespace sasim::rtl
