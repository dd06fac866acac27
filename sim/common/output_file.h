// SPDX-License-Identifier: MIT
// Output files, written safely (docs/reliability.md, "Outputs"). Every write is checked. A regular file, or
// a path where nothing is yet, is written to a temporary file in the same directory and renamed into place
// only when complete, so a failed or stopped run leaves either the old file or the whole new one. A path
// that is a special file (a device such as /dev/null or /dev/stdout, a FIFO) is written in place, never
// renamed over. Directories are refused. Problems are InputErrors naming the path and the OS error.
#pragma once
#include <fstream>
#include <string>

namespace sasim {

class OutputFile {
public:
    // Opens `path` for writing (the temporary file, or the special file itself).
    explicit OutputFile(std::string path);
    // Without commit(): the temporary file is removed and the destination left as it was.
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    std::ostream& stream() { return m_out; }
    // Flushes and checks every write, then renames the temporary file into place.
    void commit();

private:
    std::string m_path;
    std::string m_tmp;  // "" when writing a special file in place
    std::ofstream m_out;
    bool m_done = false;
};

// The whole of `text` into `path`, as above.
void write_output_file(const std::string& path, const std::string& text);

// Refuses, before any work, a path that cannot receive an output: a directory, or a parent that is not a
// directory. Creates nothing.
void check_output_path(const std::string& path);

// Flushes standard output (iostreams and stdio); throws InputError "standard output: cannot write: ..."
// when anything written to it was lost (a full disk, /dev/full, a closed pipe).
void flush_stdout();

}  // namespace sasim
