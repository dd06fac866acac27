// SPDX-License-Identifier: MIT
// Typed errors. Library code throws these; only main() turns them into exit codes.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace sasim {

// Bad user input (config, workload, sweep spec). Exit code 2.
// Each entry of `lines` is one complete message: "<file>:<place>: <what is wrong>".
class InputError : public std::runtime_error {
public:
    explicit InputError(std::string line) : std::runtime_error(line), m_lines{std::move(line)} {}
    explicit InputError(std::vector<std::string> lines)
        : std::runtime_error(join(lines)), m_lines(std::move(lines)) {}
    const std::vector<std::string>& lines() const { return m_lines; }

private:
    static std::string join(const std::vector<std::string>& lines) {
        std::string out;
        for (const auto& l : lines) {
            if (!out.empty()) out += '\n';
            out += l;
        }
        return out;
    }
    std::vector<std::string> m_lines;  // one message per problem found
};

// The model reached an impossible state (deadlock, broken invariant). Exit code 3.
class SimulationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace sasim
