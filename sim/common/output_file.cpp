// SPDX-License-Identifier: MIT
#include "common/output_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "common/errors.h"

namespace sasim {
namespace {

enum class Target { Missing, Regular, Special, Directory };

Target classify(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return Target::Missing;
    if (S_ISDIR(st.st_mode)) return Target::Directory;
    return S_ISREG(st.st_mode) ? Target::Regular : Target::Special;
}

std::string os_error(int err) { return err == 0 ? std::string("write failed") : std::string(std::strerror(err)); }

}  // namespace

void check_output_path(const std::string& path) {
    if (path.empty()) throw InputError("an output path is empty");
    if (classify(path) == Target::Directory) throw InputError(fmt::format("{}: is a directory, not a file", path));
    std::string dir = std::filesystem::path(path).parent_path().string();
    if (dir.empty()) dir = ".";
    if (classify(dir) != Target::Directory) {
        throw InputError(fmt::format("{}: cannot write: {} is not a directory", path, dir));
    }
}

OutputFile::OutputFile(std::string path) : m_path(std::move(path)) {
    check_output_path(m_path);
    const Target t = classify(m_path);
    if (t == Target::Special) {
        m_out.open(m_path, std::ios::binary);
    } else {
        m_tmp = fmt::format("{}.tmp.{}", m_path, ::getpid());
        m_out.open(m_tmp, std::ios::binary | std::ios::trunc);
    }
    if (!m_out) {
        const int err = errno;
        throw InputError(fmt::format("{}: cannot open for writing: {}", m_tmp.empty() ? m_path : m_tmp, os_error(err)));
    }
}

OutputFile::~OutputFile() {
    if (m_done) return;
    m_out.close();
    if (!m_tmp.empty()) std::remove(m_tmp.c_str());
}

void OutputFile::commit() {
    errno = 0;
    m_out.flush();
    const int flush_err = errno;
    if (!m_out) throw InputError(fmt::format("{}: cannot write: {}", m_path, os_error(flush_err)));
    m_out.close();
    if (m_out.fail()) throw InputError(fmt::format("{}: cannot write: {}", m_path, os_error(errno)));
    if (!m_tmp.empty()) {
        // Checked again: the path may have become something else while the run went on.
        if (const Target now = classify(m_path); now == Target::Special || now == Target::Directory) {
            throw InputError(fmt::format("{}: is no longer a regular file; not replaced", m_path));
        }
        if (std::rename(m_tmp.c_str(), m_path.c_str()) != 0) {
            throw InputError(fmt::format("{}: cannot rename into place: {}", m_path, os_error(errno)));
        }
    }
    m_done = true;
}

void write_output_file(const std::string& path, const std::string& text) {
    OutputFile f(path);
    f.stream() << text;
    f.commit();
}

void flush_stdout() {
    errno = 0;
    std::cout.flush();
    const bool cout_failed = std::cout.fail();
    const int cout_err = errno;
    errno = 0;
    const bool stdio_failed = std::fflush(stdout) != 0 || std::ferror(stdout) != 0;
    const int stdio_err = errno;
    if (cout_failed || stdio_failed) {
        std::cout.clear();
        std::clearerr(stdout);
        throw InputError(fmt::format("standard output: cannot write: {}", os_error(stdio_err != 0 ? stdio_err : cout_err)));
    }
}

}  // namespace sasim
