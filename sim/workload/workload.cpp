// SPDX-License-Identifier: MIT
// Layer geometry (output sizes, GEMM lowering), the file-type dispatch of load_workload, shared helpers.
#include "workload/workload.h"

#include "workload/fusion.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/text.h"
#include "workload/parsers.h"

namespace sasim {

namespace {

// Output size of one spatial dimension; 0 when the dilated kernel does not fit the padded input (or a
// size is 0), so callers never see a wrapped-around value. Clamped to UINT32_MAX.
uint32_t out_dim(uint32_t in, uint32_t pad_a, uint32_t pad_b, uint32_t kernel, uint32_t stride,
                 uint32_t dilation) {
    if (kernel == 0 || stride == 0 || dilation == 0) {
        return 0;
    }
    const uint64_t padded = uint64_t{in} + pad_a + pad_b;         // elements
    const uint64_t span = uint64_t{dilation} * (kernel - 1) + 1;  // elements covered by the kernel
    if (span > padded) {
        return 0;
    }
    const uint64_t out = (padded - span) / stride + 1;
    return out > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(out);
}

}  // namespace

uint32_t ConvShape::out_h() const {
    return out_dim(in_h, pad_top, pad_bottom, kernel_h, stride_h, dilation_h);
}

uint32_t ConvShape::out_w() const {
    return out_dim(in_w, pad_left, pad_right, kernel_w, stride_w, dilation_w);
}

// Conv: im2col lowering, one GEMM per group. Other (or a conv with groups == 0): all zeros, so macs() == 0.
GemmView Layer::gemm_view() const {
    GemmView v;
    if (kind == LayerKind::Conv) {
        if (conv.groups == 0) {
            return GemmView{0, 0, 0, 0};
        }
        v.count = conv.groups;
        v.m = uint64_t{conv.batch} * conv.out_h() * conv.out_w();
        v.n = conv.out_c / conv.groups;
        v.k = uint64_t{conv.kernel_h} * conv.kernel_w * (conv.in_c / conv.groups);
    } else if (kind == LayerKind::Gemm) {
        v.count = gemm.batch;
        v.m = gemm.m;
        v.n = gemm.n;
        v.k = gemm.k;
    } else {
        v = GemmView{0, 0, 0, 0};
    }
    return v;
}

std::string describe_shape(const Layer& l) {
    if (l.kind == LayerKind::Gemm) {
        return fmt::format("gemm b{} m{} n{} k{}", l.gemm.batch, l.gemm.m, l.gemm.n, l.gemm.k);
    }
    const ConvShape& c = l.conv;
    return fmt::format("conv b{} {}x{}x{} -> {} k{}x{} s{}x{} pad t{} b{} l{} r{} dil {}x{} groups {}", c.batch, c.in_h,
                       c.in_w, c.in_c, c.out_c, c.kernel_h, c.kernel_w, c.stride_h, c.stride_w, c.pad_top, c.pad_bottom,
                       c.pad_left, c.pad_right, c.dilation_h, c.dilation_w, c.groups);
}

const char* to_string(LayerKind kind) {
    switch (kind) {
        case LayerKind::Conv: return "conv";
        case LayerKind::Gemm: return "gemm";
        case LayerKind::Other: return "other";
    }
    return "?";
}

uint64_t total_macs(const Workload& workload) {
    uint64_t total = 0;  // MACs
    for (const Layer& layer : workload.layers) {
        if (layer.kind == LayerKind::Other) {
            continue;
        }
        if (__builtin_add_overflow(total, layer.gemm_view().macs(), &total)) {
            return UINT64_MAX;
        }
    }
    return total;
}

std::vector<uint32_t> layer_inputs(const Workload& workload, size_t index) {
    const Layer& layer = workload.layers.at(index);
    if (!layer.inputs.empty()) return layer.inputs;
    return {index == 0 ? kNetworkInput : static_cast<uint32_t>(index - 1)};
}

std::vector<std::string> validate_inputs(const Workload& workload) {
    std::vector<std::string> lines;
    for (size_t i = 0; i < workload.layers.size(); ++i) {
        const Layer& layer = workload.layers[i];
        std::vector<uint32_t> seen;
        for (const uint32_t p : layer.inputs) {
            if (p != kNetworkInput && p >= i) {
                lines.push_back(fmt::format("{}: inputs: layer {} is not an earlier layer (layers read the outputs "
                                            "of layers listed before them)", layer.origin, p));
            } else if (std::find(seen.begin(), seen.end(), p) != seen.end()) {
                lines.push_back(fmt::format("{}: inputs: {} is listed twice", layer.origin,
                                            p == kNetworkInput ? std::string("the network input")
                                                               : "'" + workload.layers[p].name + "'"));
            }
            seen.push_back(p);
        }
    }
    return lines;
}

std::vector<std::string> validate_layer(const Layer& layer) {
    std::vector<std::string> lines;
    for (const workload_detail::Problem& p : workload_detail::check_layer(layer)) {
        lines.push_back(fmt::format("{}: {}: {}", layer.origin, p.key, p.what));
    }
    return lines;
}

namespace {

std::map<std::string, WorkloadLoader>& registered_loaders() {
    static std::map<std::string, WorkloadLoader> loaders;  // lower-case extension with the dot -> reader
    return loaders;
}

}  // namespace

void register_workload_loader(const std::string& extension, WorkloadLoader loader) {
    registered_loaders()[workload_detail::to_lower(extension)] = loader;
}

Workload load_workload(const std::string& path) {
    namespace fs = std::filesystem;
    std::string accepted = "accepted: .json (sasim layer trace) or .csv (SCALE-Sim topology)";
    for (const auto& [extension, loader] : registered_loaders()) accepted += ", or " + extension;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) {
        throw InputError(fmt::format("{}: cannot open workload file: no such file or directory", path));
    }
    if (ec) {
        throw InputError(fmt::format("{}: cannot open workload file: {}", path, ec.message()));
    }
    if (st.type() == fs::file_type::directory) {
        throw InputError(fmt::format("{}: is a directory, not a workload file ({})", path, accepted));
    }
    const std::string ext = workload_detail::to_lower(fs::path(path).extension().string());
    if (const auto it = registered_loaders().find(ext); it != registered_loaders().end() && ext != ".json" &&
                                                        ext != ".csv") {
        Workload w = it->second(path);
        w.path = path;
        fuse_residual_adds(w);
        return w;
    }
    if (ext != ".json" && ext != ".csv") {
        throw InputError(
            ext.empty() ? fmt::format("{}: workload file name has no extension ({})", path, accepted)
                        : fmt::format("{}: unknown workload file extension '{}' ({})", path, ext, accepted));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(fmt::format("{}: cannot read workload file: {}", path, std::strerror(errno)));
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) {
        throw InputError(fmt::format("{}: cannot read workload file: read error", path));
    }
    Workload w = ext == ".json" ? workload_detail::parse_json_trace(path, buf.str())
                                : workload_detail::parse_scalesim_csv(path, buf.str());
    w.path = path;
    fuse_residual_adds(w);
    return w;
}

namespace workload_detail {

void throw_if_problems(const std::string& path, std::vector<std::string> lines) {
    constexpr size_t kMaxLines = 100;  // lines shown; the rest are counted
    if (lines.empty()) {
        return;
    }
    if (lines.size() > kMaxLines) {
        const size_t cut = lines.size() - kMaxLines;
        lines.resize(kMaxLines);
        lines.push_back(fmt::format("{}: ... and {} more problems not shown", path, cut));
    }
    throw InputError(std::move(lines));
}

std::string_view strip_bom(std::string_view text) {
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    return text.substr(0, kBom.size()) == kBom ? text.substr(kBom.size()) : text;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string json_number_error_line(const std::string& path, std::string_view text, const std::string& what) {
    size_t line = 0, col = 0;
    const size_t q1 = what.find('\'');
    const size_t q2 = q1 == std::string::npos ? q1 : what.find('\'', q1 + 1);
    if (q2 != std::string::npos) {
        const size_t at = text.find(what.substr(q1 + 1, q2 - q1 - 1));
        if (at != std::string::npos) {
            line = 1;
            size_t line_start = 0;
            for (size_t i = 0; i < at; ++i) {
                if (text[i] == '\n') {
                    ++line;
                    line_start = i + 1;
                }
            }
            col = at - line_start + 1;
        }
    }
    const std::string reason = what.substr(what.find(']') == std::string::npos ? 0 : what.find(']') + 2);
    return line > 0 ? fmt::format("{}:{}:{}: invalid JSON: {} (numbers must fit a double)", path, line, col, reason)
                    : fmt::format("{}: invalid JSON: {} (numbers must fit a double)", path, reason);
}

std::string closest_match(const std::string& word, const std::vector<std::string>& choices) {
    const std::string lower = to_lower(word);
    std::string best;
    size_t best_dist = SIZE_MAX;
    for (const std::string& c : choices) {
        const size_t d = text::edit_distance(lower, c);
        if (d < best_dist) {
            best_dist = d;
            best = c;
        }
    }
    // A plausible typo: at most 2 edits, and fewer edits than half the word.
    const size_t limit = std::min<size_t>(2, std::max<size_t>(1, best.size() / 2));
    return best_dist <= limit ? best : std::string{};
}

std::string join(const std::vector<std::string>& items, bool quote) {
    std::string out;
    for (const std::string& s : items) {
        if (!out.empty()) {
            out += ", ";
        }
        out += quote ? "'" + s + "'" : s;
    }
    return out;
}

}  // namespace workload_detail

}  // namespace sasim
