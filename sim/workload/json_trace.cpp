// SPDX-License-Identifier: MIT
// Reader of the sasim JSON layer trace (format in workloads/README.md). Strict: unknown keys, wrong types,
// missing and duplicate keys are errors, all reported at once: "<file>: layers[i] (name): <key>: <problem>".
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "workload/parsers.h"

namespace sasim::workload_detail {

namespace {

using json = nlohmann::json;

const std::vector<std::string> kTopKeys = {"name", "source", "version", "comment", "layers"};
const std::vector<std::string> kCommonKeys = {"name", "type", "repeat", "comment", "inputs"};
const std::vector<std::string> kConvKeys = {"batch",  "in_h",   "in_w",    "in_c",     "out_c",
                                            "kernel", "stride", "padding", "dilation", "groups"};
const std::vector<std::string> kGemmKeys = {"batch", "m", "n", "k"};
const std::vector<std::string> kOtherKeys = {"elements"};
constexpr uint64_t kMaxRepeat = 10000;  // largest "repeat"

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<std::string> concat(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::vector<std::string> out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// A JSON value described for a message: "string \"7\"", "number 7.5", "null", "an array of 3 elements".
std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::string: {
            std::string s = v.dump();
            return "string " + (s.size() > 40 ? s.substr(0, 37) + "...\"" : s);
        }
        case json::value_t::number_float: return "number " + v.dump();
        case json::value_t::array:
            return fmt::format("an array of {} element{}", v.size(), v.size() == 1 ? "" : "s");
        case json::value_t::object: return "an object";
        case json::value_t::boolean: return "boolean " + v.dump();
        default: return v.dump();
    }
}

// Collects problem lines of one file.
struct Reporter {
    std::string path;                // file name, first part of every line
    std::vector<std::string> lines;  // "<file>: <where>: <key>: <what>"

    void add(const std::string& where, const std::string& key, const std::string& what) {
        std::string line = path;
        for (const std::string* part : {&where, &key, &what}) {
            if (!part->empty()) {
                line += ": " + *part;
            }
        }
        lines.push_back(std::move(line));
    }
};

// Tracks the path inside the document during parsing and records keys that appear twice in one object.
struct DuplicateKeys {
    struct Frame {
        bool is_array = false;       // array or object
        size_t next_index = 0;       // arrays: index of the next element
        std::string current;         // "[3]" or "key": the child being parsed
        std::set<std::string> seen;  // objects: keys read so far
    };
    std::vector<Frame> stack;
    std::vector<std::pair<std::string, std::string>> found;  // (path of the object, key)

    void enter_child() {
        if (!stack.empty() && stack.back().is_array) {
            stack.back().current = fmt::format("[{}]", stack.back().next_index++);
        }
    }
    std::string object_path() const {
        std::string p;
        for (size_t i = 0; i + 1 < stack.size(); ++i) {
            p += (stack[i].is_array || p.empty()) ? stack[i].current : "." + stack[i].current;
        }
        return p;
    }
    bool on_event(json::parse_event_t event, const json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                enter_child();
                stack.push_back(Frame{event == json::parse_event_t::array_start, 0, {}, {}});
                break;
            case json::parse_event_t::key:
                if (!stack.empty()) {
                    const std::string key = parsed.get<std::string>();
                    if (!stack.back().seen.insert(key).second) {
                        found.emplace_back(object_path(), key);
                    }
                    stack.back().current = key;
                }
                break;
            case json::parse_event_t::value: enter_child(); break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!stack.empty()) {
                    stack.pop_back();
                }
                break;
        }
        return true;
    }
};

// Reads typed values out of one JSON object, reporting every problem under `where`.
class ObjectReader {
public:
    ObjectReader(const json& obj, std::string where, Reporter& rep)
        : m_obj(obj), m_where(std::move(where)), m_rep(rep) {}

    bool ok() const { return m_ok; }
    bool has(const char* key) const { return m_obj.contains(key); }
    void fail(const std::string& key, const std::string& what) {
        m_rep.add(m_where, key, what);
        m_ok = false;
    }

    // Integer in [lo, hi]; `def` when the key is absent (absent and no default: "missing required key").
    std::optional<uint64_t> integer(const char* key, uint64_t lo, uint64_t hi, std::optional<uint64_t> def) {
        if (!m_obj.contains(key)) {
            if (!def) {
                fail(key, "missing required key (an integer)");
            }
            return def;
        }
        return as_int(m_obj.at(key), key, lo, hi);
    }
    uint32_t dim(const char* key, uint64_t lo, std::optional<uint64_t> def) {
        return static_cast<uint32_t>(integer(key, lo, kMaxLayerDim, def).value_or(0));
    }

    // An integer (both values) or an [h, w] array.
    void pair(const char* key, uint64_t lo, uint32_t def, uint32_t& h, uint32_t& w, bool required) {
        h = w = def;
        if (!m_obj.contains(key)) {
            if (required) {
                fail(key, "missing required key (an integer or [height, width])");
            }
            return;
        }
        const json& v = m_obj.at(key);
        if (v.is_array() && v.size() == 2) {
            h = static_cast<uint32_t>(as_int(v[0], fmt::format("{}[0]", key), lo, kMaxLayerDim).value_or(0));
            w = static_cast<uint32_t>(as_int(v[1], fmt::format("{}[1]", key), lo, kMaxLayerDim).value_or(0));
        } else if (v.is_number_integer()) {
            h = w = static_cast<uint32_t>(as_int(v, key, lo, kMaxLayerDim).value_or(0));
        } else {
            fail(key, fmt::format("must be an integer or an array [height, width] (got {})", describe(v)));
        }
    }

    // "padding": p, [h, w] (top = bottom = h, left = right = w) or [top, bottom, left, right].
    void padding(ConvShape& c) {
        if (!m_obj.contains("padding")) {
            return;
        }
        const json& v = m_obj.at("padding");
        auto get = [&](size_t i) {
            return static_cast<uint32_t>(
                as_int(v[i], fmt::format("padding[{}]", i), 0, kMaxLayerDim).value_or(0));
        };
        if (v.is_number_integer()) {
            c.pad_top = c.pad_bottom = c.pad_left = c.pad_right =
                static_cast<uint32_t>(as_int(v, "padding", 0, kMaxLayerDim).value_or(0));
        } else if (v.is_array() && v.size() == 2) {
            c.pad_top = c.pad_bottom = get(0);
            c.pad_left = c.pad_right = get(1);
        } else if (v.is_array() && v.size() == 4) {
            c.pad_top = get(0);
            c.pad_bottom = get(1);
            c.pad_left = get(2);
            c.pad_right = get(3);
        } else {
            fail("padding",
                 fmt::format("must be an integer, [height, width] or [top, bottom, left, right] (got {})",
                             describe(v)));
        }
    }

    // Optional string (required when `required`); "" when absent or wrong.
    std::string string(const char* key, bool required, bool allow_empty) {
        if (!m_obj.contains(key)) {
            if (required) {
                fail(key, "missing required key (a string)");
            }
            return {};
        }
        const json& v = m_obj.at(key);
        if (!v.is_string()) {
            fail(key, fmt::format("must be a string (got {})", describe(v)));
            return {};
        }
        if (!allow_empty && v.get_ref<const std::string&>().empty()) {
            fail(key, "must not be empty");
        }
        return v.get<std::string>();
    }

private:
    std::optional<uint64_t> as_int(const json& v, const std::string& key, uint64_t lo, uint64_t hi) {
        if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)) {
            const uint64_t u = v.get<uint64_t>();
            if (u >= lo && u <= hi) {
                return u;
            }
            fail(key, u < lo ? fmt::format("must be >= {} (got {})", lo, u)
                             : fmt::format("must be <= {} (got {})", hi, u));
        } else if (v.is_number_integer()) {
            fail(key, fmt::format("must be >= {} (got {})", lo, v.get<int64_t>()));
        } else {
            fail(key, fmt::format("must be an integer (got {})", describe(v)));
        }
        return std::nullopt;
    }

    const json& m_obj;    // the object read
    std::string m_where;  // "layers[3] (conv2_1)" or "" for the top level
    Reporter& m_rep;
    bool m_ok = true;  // no problem reported so far
};

// The message for a key that the layer's type does not take.
std::string unknown_key_problem(const std::string& key, const std::string& kind_desc,
                                const std::vector<std::string>& allowed) {
    std::vector<std::string> owners;
    if (contains(kConvKeys, key)) {
        owners.push_back("conv");
    }
    if (contains(kGemmKeys, key)) {
        owners.push_back("gemm/matmul");
    }
    if (contains(kOtherKeys, key)) {
        owners.push_back("Other (non-conv/gemm)");
    }
    if (!owners.empty()) {
        return fmt::format("not a key of {} layers (it is a key of {} layers); {} layers take: {}", kind_desc,
                           owners.size() == 2 ? owners[0] + " and " + owners[1] : owners[0], kind_desc,
                           join(allowed));
    }
    const std::string guess = closest_match(key, allowed);
    return guess.empty() ? fmt::format("unknown key; {} layers take: {}", kind_desc, join(allowed))
                         : fmt::format("unknown key (did you mean '{}'?)", guess);
}

bool valid_type_name(const std::string& t) {
    if (t.empty() || t[0] < 'a' || t[0] > 'z') {
        return false;
    }
    return t.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

// "conv", "gemm" or "matmul" when `type` is a near miss of one of them and the layer has keys of that kind
// (e.g. "cnov" with in_h); "" otherwise, so that real operations such as "gelu" stay Other layers.
std::string likely_type_typo(const std::string& type, const json& item) {
    const std::string guess = closest_match(type, {"conv", "gemm", "matmul"});
    if (guess.empty()) {
        return guess;
    }
    const std::vector<std::string>& keys = guess == "conv" ? kConvKeys : kGemmKeys;
    for (const auto& [key, value] : item.items()) {
        if (contains(keys, key) && !contains(kOtherKeys, key)) {
            return guess;
        }
    }
    return {};
}

// Maps a check_layer key to the JSON key that sets it.
std::string json_key(const std::string& key) {
    for (const char* prefix : {"kernel", "stride", "dilation"}) {
        if (key.rfind(prefix, 0) == 0) {
            return prefix;
        }
    }
    if (key.rfind("pad_", 0) == 0) {
        return "padding";
    }
    return key == "op" ? "type" : key;
}

// The "inputs" of a layer as written: names of earlier layers, resolved once every layer is read.
struct InputNames {
    bool given = false;  // the key is present
    std::vector<std::string> names;
};

// "inputs": a non-empty array of layer names (strings, not empty); a problem goes to `r`.
InputNames read_input_names(const json& item, ObjectReader& r) {
    InputNames in;
    if (!item.contains("inputs")) return in;
    const json& v = item["inputs"];
    if (!v.is_array() || v.empty()) {
        r.fail("inputs", fmt::format("must be a non-empty array of the names of earlier layers, \"{}\" for the "
                                     "network's input (got {})", kNetworkInputName, describe(v)));
        return in;
    }
    for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string() || v[i].get_ref<const std::string&>().empty()) {
            r.fail("inputs", fmt::format("element {} must be a layer name (got {})", i, describe(v[i])));
            return in;
        }
        in.names.push_back(v[i].get<std::string>());
    }
    in.given = true;
    return in;
}

// Reads layers[index]; appends it (repeat times) to `out` when it is valid, and its "inputs" to
// `input_names` (parallel to `out`; the repeats after the first read the copy before them).
void read_layer(const json& item, size_t index, Reporter& rep, std::vector<Layer>& out,
                std::vector<InputNames>& input_names) {
    std::string where = fmt::format("layers[{}]", index);
    if (!item.is_object()) {
        rep.add(where, "",
                fmt::format("must be a layer object {{\"name\": ..., \"type\": ..., ...}} (got {})",
                            describe(item)));
        return;
    }
    if (item.contains("name") && item["name"].is_string() &&
        !item["name"].get_ref<const std::string&>().empty()) {
        where += fmt::format(" ({})", item["name"].get<std::string>());
    }
    ObjectReader r(item, where, rep);
    Layer layer;
    layer.origin = fmt::format("{}: layers[{}]", rep.path, index);
    layer.name = r.string("name", true, false);
    const std::string type = r.string("type", true, false);
    const bool type_ok = item.contains("type") && item["type"].is_string() && !type.empty();
    std::vector<std::string> allowed;
    std::string kind_desc;
    if (!type_ok) {
        allowed = concat(concat(concat(kCommonKeys, kConvKeys), kGemmKeys), kOtherKeys);
    } else if (!valid_type_name(type)) {
        const std::string guess = closest_match(type, {"conv", "gemm", "matmul"});
        r.fail("type",
               fmt::format("'{}' is not a valid type: use conv, gemm, matmul or another operation name in "
                           "lower-case letters, digits and '_' (e.g. maxpool){}",
                           type, guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess)));
        allowed = concat(concat(concat(kCommonKeys, kConvKeys), kGemmKeys), kOtherKeys);
    } else if (type == "conv") {
        layer.kind = LayerKind::Conv;
        allowed = concat(kCommonKeys, kConvKeys);
        kind_desc = "conv";
    } else if (type == "gemm" || type == "matmul") {
        layer.kind = LayerKind::Gemm;
        allowed = concat(kCommonKeys, kGemmKeys);
        kind_desc = type;
    } else if (const std::string guess = likely_type_typo(type, item); !guess.empty()) {
        r.fail("type", fmt::format("unknown type '{}' with {} keys (did you mean '{}'?)", type,
                                   guess == "conv" ? "conv" : "gemm", guess));
        allowed = concat(concat(concat(kCommonKeys, kConvKeys), kGemmKeys), kOtherKeys);
    } else {
        layer.kind = LayerKind::Other;
        layer.op = type;
        allowed = concat(kCommonKeys, kOtherKeys);
        kind_desc = fmt::format("'{}' (Other)", type);
    }
    for (const auto& [key, value] : item.items()) {
        if (!contains(allowed, key)) {
            r.fail(key, kind_desc.empty() ? unknown_key_problem(key, "any", allowed)
                                          : unknown_key_problem(key, kind_desc, allowed));
        }
    }
    if (item.contains("comment")) {
        r.string("comment", false, true);
    }
    const uint64_t repeat = r.integer("repeat", 1, kMaxRepeat, 1).value_or(1);
    const InputNames inputs = read_input_names(item, r);
    if (kind_desc.empty()) {
        return;  // no usable type: the shape keys cannot be interpreted
    }
    if (layer.kind == LayerKind::Conv) {
        ConvShape& c = layer.conv;
        c.batch = r.dim("batch", 1, 1);
        c.in_h = r.dim("in_h", 1, std::nullopt);
        c.in_w = r.dim("in_w", 1, std::nullopt);
        c.in_c = r.dim("in_c", 1, std::nullopt);
        c.out_c = r.dim("out_c", 1, std::nullopt);
        r.pair("kernel", 1, 0, c.kernel_h, c.kernel_w, true);
        r.pair("stride", 1, 1, c.stride_h, c.stride_w, false);
        r.pair("dilation", 1, 1, c.dilation_h, c.dilation_w, false);
        r.padding(c);
        c.groups = r.dim("groups", 1, 1);
    } else if (layer.kind == LayerKind::Gemm) {
        layer.gemm.batch = r.dim("batch", 1, 1);
        layer.gemm.m = r.dim("m", 1, std::nullopt);
        layer.gemm.n = r.dim("n", 1, std::nullopt);
        layer.gemm.k = r.dim("k", 1, std::nullopt);
    } else if (!item.contains("elements")) {
        r.fail("elements",
               fmt::format("missing required key: type '{}' is not conv, gemm or matmul, so this is "
                           "an Other (not simulated) layer, which needs 'elements' (output elements)",
                           type));
    } else {
        layer.elements = r.integer("elements", 0, kMaxTensorElements, std::nullopt).value_or(0);
    }
    if (!r.ok()) {
        return;
    }
    for (const Problem& p : check_layer(layer)) {
        r.fail(json_key(p.key), p.what);
    }
    if (!r.ok()) {
        return;
    }
    for (uint64_t i = 1; i <= repeat; ++i) {
        out.push_back(layer);
        input_names.push_back(i == 1 ? inputs : InputNames{});
        if (repeat > 1) {
            out.back().name = fmt::format("{}_{}", layer.name, i);
        }
    }
}

// Turns the "inputs" names into Layer::inputs: each must name an earlier layer, once.
void resolve_inputs(Workload& w, const std::vector<InputNames>& input_names, const std::string& path, Reporter& rep) {
    std::map<std::string, uint32_t> index_of;
    for (size_t i = 0; i < w.layers.size(); ++i) index_of.emplace(w.layers[i].name, static_cast<uint32_t>(i));
    for (size_t i = 0; i < w.layers.size(); ++i) {
        const InputNames& in = input_names[i];
        if (!in.given) continue;
        Layer& layer = w.layers[i];
        const std::string at = fmt::format("{} ({})", layer.origin.substr(path.size() + 2), layer.name);
        for (const std::string& name : in.names) {
            const auto it = name == kNetworkInputName ? index_of.end() : index_of.find(name);
            if (name == kNetworkInputName) {
                if (std::find(layer.inputs.begin(), layer.inputs.end(), kNetworkInput) != layer.inputs.end()) {
                    rep.add(at, "inputs", fmt::format("'{}' is listed twice", name));
                } else {
                    layer.inputs.push_back(kNetworkInput);
                }
            } else if (it == index_of.end()) {
                const std::string guess = closest_match(name, [&] {
                    std::vector<std::string> earlier;
                    for (size_t j = 0; j < i; ++j) earlier.push_back(w.layers[j].name);
                    return earlier;
                }());
                rep.add(at, "inputs", fmt::format("no layer is named '{}'{}", name,
                                                  guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess)));
            } else if (it->second >= i) {
                rep.add(at, "inputs", fmt::format("'{}' is not an earlier layer: a layer reads the outputs of layers "
                                                  "listed before it", name));
            } else if (std::find(layer.inputs.begin(), layer.inputs.end(), it->second) != layer.inputs.end()) {
                rep.add(at, "inputs", fmt::format("'{}' is listed twice", name));
            } else {
                layer.inputs.push_back(it->second);
            }
        }
    }
}

// "<file>:<line>:<col>: invalid JSON: <what>" from a parse error at 1-based byte offset `byte`.
std::string parse_error_line(const std::string& path, std::string_view text, const json::parse_error& e) {
    const size_t pos = std::min<size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    size_t line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < pos; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    // nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column 2: <what>".
    std::string what = e.what();
    const size_t at = what.find("parse error");
    const size_t colon = at == std::string::npos ? std::string::npos : what.find(": ", at);
    if (colon != std::string::npos) {
        what = what.substr(colon + 2);
    }
    return fmt::format("{}:{}:{}: invalid JSON: {}", path, line, pos - line_start + 1, what);
}

}  // namespace

Workload parse_json_trace(const std::string& path, const std::string& raw) {
    const std::string_view text = strip_bom(raw);
    DuplicateKeys dups;
    json doc;
    try {
        doc = json::parse(text.begin(), text.end(), [&dups](int, json::parse_event_t ev, json& parsed) {
            return dups.on_event(ev, parsed);
        });
    } catch (const json::parse_error& e) {
        throw InputError(parse_error_line(path, text, e));
    } catch (const json::exception& e) {
        throw InputError(json_number_error_line(path, text, e.what()));
    }
    Reporter rep{path, {}};
    for (const auto& [object, key] : dups.found) {
        rep.add(object, key, "duplicate key (JSON keeps only the last value; remove one)");
    }
    if (!doc.is_object()) {
        rep.add("", "",
                fmt::format("must contain one JSON object {{\"name\": ..., \"source\": ..., \"layers\": "
                            "[...]}} (got {})",
                            describe(doc)));
        throw_if_problems(path, rep.lines);
    }
    ObjectReader top(doc, "", rep);
    for (const auto& [key, value] : doc.items()) {
        if (!contains(kTopKeys, key)) {
            const std::string guess = closest_match(key, kTopKeys);
            top.fail(key, guess.empty() ? fmt::format("unknown key; the top level takes: {}", join(kTopKeys))
                                        : fmt::format("unknown key (did you mean '{}'?)", guess));
        }
    }
    Workload w;
    std::vector<InputNames> input_names;  // parallel to w.layers
    w.name = top.string("name", true, false);
    w.source = top.string("source", false, true);
    top.string("comment", false, true);
    top.integer("version", 1, 1, 1);
    if (!doc.contains("layers")) {
        top.fail("layers", "missing required key (an array of layer objects)");
    } else if (!doc["layers"].is_array()) {
        top.fail("layers",
                 fmt::format("must be an array of layer objects (got {})", describe(doc["layers"])));
    } else if (doc["layers"].empty()) {
        top.fail("layers", "empty: a workload needs at least one layer");
    } else {
        const json& layers = doc["layers"];
        for (size_t i = 0; i < layers.size(); ++i) {
            read_layer(layers[i], i, rep, w.layers, input_names);
        }
    }
    std::map<std::string, std::string> first_use;  // layer name -> "layers[i]" that defined it
    for (const Layer& layer : w.layers) {
        const std::string at = layer.origin.substr(path.size() + 2);
        if (layer.name == kNetworkInputName) {
            rep.add(fmt::format("{} ({})", at, layer.name), "name",
                    fmt::format("'{}' is reserved: in \"inputs\" it names the network's input", kNetworkInputName));
        }
        const auto [it, inserted] = first_use.emplace(layer.name, at);
        if (!inserted) {
            rep.add(fmt::format("{} ({})", at, layer.name), "name",
                    fmt::format("'{}' is already the name of {}; layer names must be unique", layer.name,
                                it->second));
        }
    }
    resolve_inputs(w, input_names, path, rep);
    throw_if_problems(path, rep.lines);
    return w;
}

}  // namespace sasim::workload_detail
