// SPDX-License-Identifier: MIT
// Durable file writes for sweep directories. A reader (or a resumed sweep after kill -9 or a crash)
// sees either the old or the new file, never half of one.
#pragma once
#include <string>

#include "common/file_text.h"  // read_text, used with these helpers

namespace sasim::sweep {

// Throws InputError when `path` exists and is not a regular file (a device, a FIFO, a directory, a socket):
// the sweep's files are renamed over or appended to, which must never happen to those.
void refuse_special_file(const std::string& path);

// Refuses a special file at `path` (above); then writes `text` to a temporary file next to `path`, fsyncs it, renames it over `path` and fsyncs the
// directory. Throws InputError when the directory is not writable.
void write_atomic(const std::string& path, const std::string& text);

// Appends `text` with a single write and fsyncs the file.
void append_durable(const std::string& path, const std::string& text);

// fsyncs an existing file (and its directory), e.g. one another process wrote.
void fsync_path(const std::string& path);

// An exclusive lock on DIR/.lock for as long as the object lives (released by the kernel on kill -9).
// Throws InputError when another sasim process holds it.
class DirLock {
public:
    explicit DirLock(const std::string& dir);
    ~DirLock();
    DirLock(const DirLock&) = delete;
    DirLock& operator=(const DirLock&) = delete;

private:
    int m_fd = -1;
};

}  // namespace sasim::sweep
