// SPDX-License-Identifier: MIT
// Constraint expressions of a sweep spec, e.g. "rows * cols <= 16384 && dataflow != \"is\"".
// The language (docs/sweeps.md): numbers, "strings", names, ( ), unary - and !, * / %, + -,
// < <= > >= == !=, && and ||, with the usual C precedence. Arithmetic is on doubles.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace sasim::sweep {

// The value of a name or subexpression: a number, a string or a truth value.
using Value = std::variant<double, std::string, bool>;

// Thrown for a syntax or evaluation problem; the message has no file or key prefix.
class ExprError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ExprNode;

class Expr {
public:
    // Parses `text`; throws ExprError("<problem> at column N") for a syntax error.
    static Expr parse(const std::string& text);

    // Every name the expression reads, in order of first use.
    const std::vector<std::string>& names() const { return m_names; }

    // Evaluates with `lookup` giving each name's value (std::nullopt: unknown name). The result must be
    // a truth value (a comparison or a logical operator); throws ExprError for type errors, division by
    // zero and unknown names.
    bool evaluate(const std::function<std::optional<Value>(const std::string&)>& lookup) const;

    const std::string& text() const { return m_text; }

private:
    std::string m_text;
    std::shared_ptr<const ExprNode> m_root;
    std::vector<std::string> m_names;
};

}  // namespace sasim::sweep
