// SPDX-License-Identifier: MIT
// JSON helpers of the sweep area: strict file reading (syntax positions, duplicate keys), messages,
// hashing, value formatting, and the --shard option.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/json_syntax.h"
#include "common/text.h"
#include "sweep/spec.h"

namespace sasim::sweep {

using nlohmann::json;

namespace {

}  // namespace

json read_json_file(const std::string& path, const std::string& what) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::is_directory(status)) {
        throw InputError(fmt::format("{}: is a directory, expected a JSON {}", path, what));
    }
    if (!std::filesystem::exists(status)) {
        throw InputError(fmt::format("{}: cannot open {}: no such file", path, what));
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        throw InputError(fmt::format("{}: cannot open {}: {}", path, what, err != 0 ? std::strerror(err) : "error"));
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; })) {
        throw InputError(fmt::format("{}: file is empty, expected a JSON object", path));
    }
    JsonSyntaxChecker sax;
    json::sax_parse(text, &sax);
    if (sax.failed()) {
        const size_t idx = std::min(sax.position() > 0 ? sax.position() - 1 : 0, text.size());
        size_t line = 1;
        size_t col = 1;
        for (size_t i = 0; i < idx; ++i) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
                col++;
            }
        }
        std::string detail = sax.what();
        const size_t colon = detail.find(": ", detail.find("column"));
        if (colon != std::string::npos) detail = detail.substr(colon + 2);
        throw InputError(fmt::format("{}:{}:{}: invalid JSON: {}", path, line, col, detail));
    }
    std::vector<std::string> lines;
    for (const auto& key : sax.duplicates()) {
        lines.push_back(fmt::format("{}: {}: duplicate key (each key may appear only once)", path, key));
    }
    if (!lines.empty()) throw InputError(lines);
    return json::parse(text);
}


std::string closest(const std::string& key, const std::vector<std::string>& valid) {
    std::string best;
    size_t best_distance = 3;
    for (const auto& v : valid) {
        const size_t d = text::edit_distance(key, v);
        if (d < best_distance) {
            best = v;
            best_distance = d;
        }
    }
    return best;
}

std::string fnv1a_hex(const std::string& bytes) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return fmt::format("{:016x}", h);
}

std::string value_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_unsigned()) return fmt::format("{}", v.get<uint64_t>());
    if (v.is_number_integer()) return fmt::format("{}", v.get<int64_t>());
    if (v.is_number_float()) return fmt::format("{}", v.get<double>());
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_null()) return "";
    return v.dump();
}

std::string Shard::text() const { return fmt::format("{}/{}", index, count); }

Shard parse_shard(const std::string& text) {
    const auto bad = [&] {
        return InputError(fmt::format("--shard: expected i/N with 0 <= i < N (for example 0/4), got \"{}\"", text));
    };
    const size_t slash = text.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) throw bad();
    const std::string a = text.substr(0, slash);
    const std::string b = text.substr(slash + 1);
    const auto digits = [](const std::string& s) {
        return s.size() <= 9 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    };
    if (!digits(a) || !digits(b)) throw bad();
    Shard s;
    s.index = static_cast<uint32_t>(std::stoul(a));
    s.count = static_cast<uint32_t>(std::stoul(b));
    if (s.count == 0 || s.index >= s.count) throw bad();
    return s;
}

}  // namespace sasim::sweep
