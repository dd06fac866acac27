// SPDX-License-Identifier: MIT
// A small recursive-descent parser and tree evaluator for sweep constraints (grammar in expr.h).
#include "sweep/expr.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace sasim::sweep {

struct ExprNode {
    enum class Kind { Number, String, Name, Unary, Binary } kind = Kind::Number;
    double number = 0;
    std::string text;  // String: the literal; Name: the name; Unary/Binary: the operator
    std::shared_ptr<const ExprNode> lhs, rhs;
};

namespace {

using NodePtr = std::shared_ptr<const ExprNode>;

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.'; }

class Parser {
public:
    explicit Parser(const std::string& text) : m_text(text) {}

    NodePtr parse_all(std::vector<std::string>& names) {
        m_names = &names;
        skip_space();
        if (m_pos == m_text.size()) fail("empty expression");
        NodePtr root = parse_or();
        skip_space();
        if (m_pos != m_text.size()) fail(fmt::format("unexpected \"{}\"", m_text.substr(m_pos, 8)));
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw ExprError(fmt::format("{} at column {}", what, m_pos + 1));
    }
    void skip_space() {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])) != 0) ++m_pos;
    }
    // Consumes `op` if it comes next (and is not the start of a longer operator such as "<=" for "<").
    bool accept(const char* op) {
        skip_space();
        const std::string s(op);
        if (m_text.compare(m_pos, s.size(), s) != 0) return false;
        const char next = m_pos + s.size() < m_text.size() ? m_text[m_pos + s.size()] : '\0';
        if ((s == "<" || s == ">" || s == "!") && next == '=') return false;
        m_pos += s.size();
        return true;
    }
    static NodePtr binary(const std::string& op, NodePtr l, NodePtr r) {
        auto n = std::make_shared<ExprNode>();
        n->kind = ExprNode::Kind::Binary;
        n->text = op;
        n->lhs = std::move(l);
        n->rhs = std::move(r);
        return n;
    }
    NodePtr parse_or() {
        NodePtr l = parse_and();
        while (accept("||")) l = binary("||", l, parse_and());
        return l;
    }
    NodePtr parse_and() {
        NodePtr l = parse_not();
        while (accept("&&")) l = binary("&&", l, parse_not());
        return l;
    }
    NodePtr parse_not() {
        if (accept("!")) {
            auto n = std::make_shared<ExprNode>();
            n->kind = ExprNode::Kind::Unary;
            n->text = "!";
            n->lhs = parse_not();
            return n;
        }
        return parse_compare();
    }
    NodePtr parse_compare() {
        NodePtr l = parse_sum();
        for (const char* op : {"<=", ">=", "==", "!=", "<", ">"}) {
            if (accept(op)) {
                NodePtr n = binary(op, l, parse_sum());
                skip_space();
                for (const char* again : {"<", ">", "==", "!="}) {
                    if (m_text.compare(m_pos, std::string(again).size(), again) == 0) {
                        fail("comparisons cannot be chained; join them with &&");
                    }
                }
                return n;
            }
        }
        skip_space();
        if (m_pos < m_text.size() && m_text[m_pos] == '=') fail("unexpected \"=\" (use == to compare)");
        return l;
    }
    NodePtr parse_sum() {
        NodePtr l = parse_product();
        for (;;) {
            if (accept("+")) {
                l = binary("+", l, parse_product());
            } else if (accept("-")) {
                l = binary("-", l, parse_product());
            } else {
                return l;
            }
        }
    }
    NodePtr parse_product() {
        NodePtr l = parse_unary();
        for (;;) {
            if (accept("*")) {
                l = binary("*", l, parse_unary());
            } else if (accept("/")) {
                l = binary("/", l, parse_unary());
            } else if (accept("%")) {
                l = binary("%", l, parse_unary());
            } else {
                return l;
            }
        }
    }
    NodePtr parse_unary() {
        if (accept("-")) {
            auto n = std::make_shared<ExprNode>();
            n->kind = ExprNode::Kind::Unary;
            n->text = "-";
            n->lhs = parse_unary();
            return n;
        }
        return parse_atom();
    }
    NodePtr parse_atom() {
        skip_space();
        if (m_pos >= m_text.size()) fail("expected a number, a name, a string or \"(\" but the expression ends");
        auto n = std::make_shared<ExprNode>();
        const char c = m_text[m_pos];
        if (c == '(') {
            ++m_pos;
            NodePtr inner = parse_or();
            if (!accept(")")) fail("expected \")\"");
            return inner;
        }
        if (c == '"') {
            const size_t end = m_text.find('"', m_pos + 1);
            if (end == std::string::npos) fail("unterminated string");
            n->kind = ExprNode::Kind::String;
            n->text = m_text.substr(m_pos + 1, end - m_pos - 1);
            m_pos = end + 1;
            return n;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.') {
            const char* begin = m_text.c_str() + m_pos;
            char* end = nullptr;
            n->number = std::strtod(begin, &end);
            if (end == begin || !std::isfinite(n->number)) fail("invalid number");
            m_pos += static_cast<size_t>(end - begin);
            if (m_pos < m_text.size() && name_start(m_text[m_pos])) fail("invalid number");
            n->kind = ExprNode::Kind::Number;
            return n;
        }
        if (name_start(c)) {
            const size_t start = m_pos;
            while (m_pos < m_text.size() && name_char(m_text[m_pos])) ++m_pos;
            n->kind = ExprNode::Kind::Name;
            n->text = m_text.substr(start, m_pos - start);
            if (n->text == "true" || n->text == "false") fail(fmt::format("unknown name \"{}\"", n->text));
            bool seen = false;
            for (const auto& name : *m_names) seen = seen || name == n->text;
            if (!seen) m_names->push_back(n->text);
            return n;
        }
        fail(fmt::format("expected a number, a name, a string or \"(\", got \"{}\"", std::string(1, c)));
    }

    const std::string& m_text;
    size_t m_pos = 0;
    std::vector<std::string>* m_names = nullptr;
};

const char* type_name(const Value& v) {
    if (std::holds_alternative<double>(v)) return "a number";
    if (std::holds_alternative<std::string>(v)) return "a string";
    return "a truth value";
}

using Lookup = std::function<std::optional<Value>(const std::string&)>;

Value eval(const ExprNode& n, const Lookup& lookup);

double number_operand(const ExprNode& n, const std::string& op, const Lookup& lookup) {
    const Value v = eval(n, lookup);
    if (!std::holds_alternative<double>(v)) {
        throw ExprError(fmt::format("\"{}\" needs numbers, got {}", op, type_name(v)));
    }
    return std::get<double>(v);
}

bool truth_operand(const ExprNode& n, const std::string& op, const Lookup& lookup) {
    const Value v = eval(n, lookup);
    if (!std::holds_alternative<bool>(v)) {
        throw ExprError(fmt::format("\"{}\" needs comparisons on both sides, got {}", op, type_name(v)));
    }
    return std::get<bool>(v);
}

Value eval_binary(const ExprNode& n, const Lookup& lookup) {
    const std::string& op = n.text;
    if (op == "&&" || op == "||") {
        // Both sides are always evaluated, so a mistake on the right shows at the first point.
        const bool l = truth_operand(*n.lhs, op, lookup);
        const bool r = truth_operand(*n.rhs, op, lookup);
        return op == "&&" ? (l && r) : (l || r);
    }
    if (op == "==" || op == "!=") {
        const Value l = eval(*n.lhs, lookup);
        const Value r = eval(*n.rhs, lookup);
        if (l.index() != r.index()) {
            throw ExprError(fmt::format("\"{}\" compares {} with {}", op, type_name(l), type_name(r)));
        }
        return (l == r) == (op == "==");
    }
    const double l = number_operand(*n.lhs, op, lookup);
    const double r = number_operand(*n.rhs, op, lookup);
    if (op == "<") return l < r;
    if (op == "<=") return l <= r;
    if (op == ">") return l > r;
    if (op == ">=") return l >= r;
    if (op == "+") return l + r;
    if (op == "-") return l - r;
    if (op == "*") return l * r;
    if (r == 0) throw ExprError(fmt::format("division by zero in \"{}\"", op));
    if (op == "/") return l / r;
    return std::fmod(l, r);  // "%"
}

Value eval(const ExprNode& n, const Lookup& lookup) {
    switch (n.kind) {
        case ExprNode::Kind::Number:
            return n.number;
        case ExprNode::Kind::String:
            return n.text;
        case ExprNode::Kind::Name: {
            std::optional<Value> v = lookup(n.text);
            if (!v) throw ExprError(fmt::format("unknown name \"{}\"", n.text));
            return *v;
        }
        case ExprNode::Kind::Unary:
            if (n.text == "!") return !truth_operand(*n.lhs, "!", lookup);
            return -number_operand(*n.lhs, "-", lookup);
        case ExprNode::Kind::Binary:
            return eval_binary(n, lookup);
    }
    return false;
}

}  // namespace

Expr Expr::parse(const std::string& text) {
    Expr e;
    e.m_text = text;
    Parser p(e.m_text);
    e.m_root = p.parse_all(e.m_names);
    return e;
}

bool Expr::evaluate(const std::function<std::optional<Value>(const std::string&)>& lookup) const {
    const Value v = eval(*m_root, lookup);
    if (!std::holds_alternative<bool>(v)) {
        throw ExprError(fmt::format("the expression gives {}, not a truth value (compare it, e.g. \"... <= 100\")",
                                    type_name(v)));
    }
    return std::get<bool>(v);
}

}  // namespace sasim::sweep
