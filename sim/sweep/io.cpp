// SPDX-License-Identifier: MIT
#include "sweep/io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "common/errors.h"

namespace fs = std::filesystem;

namespace sasim::sweep {

namespace {

void write_all(int fd, const std::string& text, const std::string& path) {
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw InputError(fmt::format("{}: write failed: {}", path, std::strerror(errno)));
        done += static_cast<size_t>(n);
    }
}

void fsync_dir(const std::string& path) {
    std::string dir = fs::path(path).parent_path().string();
    if (dir.empty()) dir = ".";
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

void refuse_special_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        throw InputError(fmt::format("{}: exists and is not a regular file; a sweep directory's files must be "
                                     "regular files (it renames over them and appends to them)", path));
    }
}

void write_atomic(const std::string& path, const std::string& text) {
    refuse_special_file(path);
    const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw InputError(fmt::format("{}: cannot open for writing: {}", tmp, std::strerror(errno)));
    try {
        write_all(fd, text, tmp);
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    ::fsync(fd);
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw InputError(fmt::format("{}: cannot rename into place: {}", path, std::strerror(err)));
    }
    fsync_dir(path);
}

void append_durable(const std::string& path, const std::string& text) {
    refuse_special_file(path);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw InputError(fmt::format("{}: cannot open for appending: {}", path, std::strerror(errno)));
    try {
        write_all(fd, text, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::fsync(fd);
    ::close(fd);
}

void fsync_path(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
    fsync_dir(path);
}

DirLock::DirLock(const std::string& dir) {
    const std::string path = (fs::path(dir) / ".lock").string();
    refuse_special_file(path);
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) throw InputError(fmt::format("{}: cannot create lock file: {}", path, std::strerror(errno)));
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(m_fd);
        m_fd = -1;
        throw InputError(fmt::format("{}: another sasim sweep is writing to this directory", dir));
    }
}

DirLock::~DirLock() {
    if (m_fd >= 0) ::close(m_fd);
}

}  // namespace sasim::sweep
