// SPDX-License-Identifier: MIT
// Writer of the sasim JSON layer trace (format in workloads/README.md), one layer per line like the
// hand-written workloads/*.json. Used by `sasim import` (ONNX) and `sasim workload llm`.
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/json_text.h"
#include "workload/workload.h"

namespace sasim {

namespace {

using ojson = nlohmann::ordered_json;

std::string dump(const ojson& j) { return json_text(j); }

// `v` when h == w, else [h, w].
ojson pair(uint32_t h, uint32_t w) { return h == w ? ojson(h) : ojson::array({h, w}); }

// `inputs`: the names for the "inputs" key, or null to leave it out (the previous layer).
ojson layer_json(const Layer& l, const TraceLayerText& text, const ojson& inputs) {
    ojson j;
    j["name"] = l.name;
    if (!text.type.empty()) {
        j["type"] = text.type;
    } else {
        j["type"] = l.kind == LayerKind::Other ? l.op : std::string(to_string(l.kind));
    }
    if (l.kind == LayerKind::Conv) {
        const ConvShape& c = l.conv;
        if (c.batch != 1) j["batch"] = c.batch;
        j["in_h"] = c.in_h;
        j["in_w"] = c.in_w;
        j["in_c"] = c.in_c;
        j["out_c"] = c.out_c;
        j["kernel"] = pair(c.kernel_h, c.kernel_w);
        if (c.stride_h != 1 || c.stride_w != 1) j["stride"] = pair(c.stride_h, c.stride_w);
        if (c.pad_top == c.pad_bottom && c.pad_left == c.pad_right) {
            if (c.pad_top != 0 || c.pad_left != 0) j["padding"] = pair(c.pad_top, c.pad_left);
        } else {
            j["padding"] = ojson::array({c.pad_top, c.pad_bottom, c.pad_left, c.pad_right});
        }
        if (c.dilation_h != 1 || c.dilation_w != 1) j["dilation"] = pair(c.dilation_h, c.dilation_w);
        if (c.groups != 1) j["groups"] = c.groups;
    } else if (l.kind == LayerKind::Gemm) {
        if (l.gemm.batch != 1) j["batch"] = l.gemm.batch;
        j["m"] = l.gemm.m;
        j["n"] = l.gemm.n;
        j["k"] = l.gemm.k;
    } else {
        j["elements"] = l.elements;
    }
    if (!inputs.is_null()) j["inputs"] = inputs;
    if (!text.comment.empty()) j["comment"] = text.comment;
    return j;
}

}  // namespace

std::string to_json_trace(const Workload& workload, const std::string& comment,
                          const std::vector<TraceLayerText>& text) {
    if (!text.empty() && text.size() != workload.layers.size()) {
        throw std::invalid_argument(fmt::format("to_json_trace: {} layer texts for {} layers", text.size(),
                                                workload.layers.size()));
    }
    const TraceLayerText none;
    std::ostringstream os;
    os << "{\n";
    os << "  \"name\": " << dump(workload.name) << ",\n";
    os << "  \"source\": " << dump(workload.source) << ",\n";
    if (!comment.empty()) os << "  \"comment\": " << dump(comment) << ",\n";
    os << "  \"layers\": [\n";
    for (size_t i = 0; i < workload.layers.size(); ++i) {
        const std::vector<uint32_t>& in = workload.layers[i].inputs;
        ojson inputs;  // null: the default (the previous layer, or the network input for the first)
        const bool default_inputs = in.empty() || (i == 0 && in == std::vector<uint32_t>{kNetworkInput}) ||
                                    (i > 0 && in == std::vector<uint32_t>{static_cast<uint32_t>(i - 1)});
        if (!default_inputs) {
            inputs = ojson::array();
            for (const uint32_t p : in) {
                inputs.push_back(p == kNetworkInput ? std::string(kNetworkInputName) : workload.layers.at(p).name);
            }
        }
        const ojson j = layer_json(workload.layers[i], text.empty() ? none : text[i], inputs);
        std::string line;
        for (const auto& [key, value] : j.items()) {
            std::string v = dump(value);
            if (value.is_array()) {  // [1, 0] as in the hand-written traces, not [1,0]
                v.clear();
                for (const auto& e : value) v += (v.empty() ? "[" : ", ") + dump(e);
                v += "]";
            }
            line += fmt::format("{}{}: {}", line.empty() ? "" : ", ", dump(key), v);
        }
        os << "    {" << line << "}" << (i + 1 < workload.layers.size() ? ",\n" : "\n");
    }
    os << "  ]\n}\n";
    return os.str();
}

}  // namespace sasim
