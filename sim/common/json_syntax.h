// SPDX-License-Identifier: MIT
// A JSON SAX pass shared by the config and sweep-spec readers: checks syntax without building a DOM and
// records the first syntax error (with its position) and every repeated key as a dotted path
// ("array.rows", "axes[2].key"), which nlohmann's DOM parser would silently collapse.
#pragma once
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sasim {

// A JSON value for messages: string "16", number 2.5, boolean true, null, an array, an object.
inline std::string describe_json(const nlohmann::json& v) {
    if (v.is_string()) {
        std::string s = v.dump();
        if (s.size() > 60) s = s.substr(0, 56) + "...\"";
        return "string " + s;
    }
    if (v.is_number()) return "number " + v.dump();
    if (v.is_boolean()) return "boolean " + v.dump();
    if (v.is_null()) return "null";
    if (v.is_array()) return "an array";
    return "an object";
}

// Checks syntax without building a DOM: records the first syntax error and every duplicate key.
class JsonSyntaxChecker : public nlohmann::json_sax<nlohmann::json> {
public:
    bool null() override { return value(); }
    bool boolean(bool /*val*/) override { return value(); }
    bool number_integer(number_integer_t /*val*/) override { return value(); }
    bool number_unsigned(number_unsigned_t /*val*/) override { return value(); }
    bool number_float(number_float_t /*val*/, const string_t& /*s*/) override { return value(); }
    bool string(string_t& /*val*/) override { return value(); }
    bool binary(binary_t& /*val*/) override { return value(); }
    bool start_object(std::size_t /*elements*/) override { return open(true); }
    bool start_array(std::size_t /*elements*/) override { return open(false); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool key(string_t& val) override {
        Frame& f = m_stack.back();
        if (!f.keys.insert(val).second) m_duplicates.push_back((f.path.empty() ? std::string(val) : f.path + "." + val));
        m_key = val;
        return true;
    }
    bool parse_error(std::size_t position, const std::string& last_token,
                     const nlohmann::detail::exception& ex) override {
        m_failed = true;
        m_position = position;
        m_token = last_token;
        m_id = ex.id;
        m_what = ex.what();
        return false;
    }

    bool failed() const { return m_failed; }
    size_t position() const { return m_position; }        // nlohmann chars_read_total: 1-based
    const std::string& token() const { return m_token; }  // text of the token being read
    int id() const { return m_id; }                       // 101 syntax error, 406 number overflow
    const std::string& what() const { return m_what; }
    const std::vector<std::string>& duplicates() const { return m_duplicates; }

private:
    struct Frame {
        bool is_object;              // object (keys) or array (indices)
        std::set<std::string> keys;  // keys seen so far in this object
        std::string path;            // dotted path of this container, "" at the top
        size_t index = 0;            // next array index
    };
    std::string child_path() {
        if (m_stack.empty()) return "";
        Frame& f = m_stack.back();
        if (f.is_object) return f.path.empty() ? m_key : f.path + "." + m_key;
        return fmt::format("{}[{}]", f.path, f.index++);
    }
    bool value() {
        child_path();  // advances the array index
        return true;
    }
    bool open(bool is_object) {
        std::string path = child_path();
        m_stack.push_back(Frame{is_object, {}, std::move(path)});
        return true;
    }
    bool close() {
        m_stack.pop_back();
        return true;
    }

    std::vector<Frame> m_stack;             // open containers
    std::string m_key;                      // last key read in the innermost object
    std::vector<std::string> m_duplicates;  // dotted paths of repeated keys, in file order
    bool m_failed = false;
    size_t m_position = 0;
    std::string m_token;
    int m_id = 0;
    std::string m_what;
};

}  // namespace sasim
