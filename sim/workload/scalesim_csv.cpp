// SPDX-License-Identifier: MIT
// SCALE-Sim topology CSV reader: the conv format (layer, H, W, R, S, C, N, stride[, stride_w]) and the GEMM
// format (layer, M, N, K), told apart by the header line. See workloads/README.md for the accepted quirks.
#include <algorithm>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/text.h"
#include "workload/parsers.h"

namespace sasim::workload_detail {

namespace {

constexpr const char* kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,";
constexpr const char* kGemmHeader = "Layer name, M, N, K,";

enum class CsvFormat { Conv, Gemm };

// Splits into lines at "\r\n", "\n" or "\r".
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || text[i] == '\r') {
            lines.push_back(text.substr(start, i - start));
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
            start = i + 1;
        }
    }
    if (start < text.size()) {
        lines.push_back(text.substr(start));
    }
    return lines;
}

// Comma-separated cells, each trimmed and stripped of one pair of surrounding double quotes.
std::vector<std::string> split_cells(std::string_view line) {
    std::vector<std::string> cells;
    size_t start = 0;
    while (true) {
        const size_t comma = line.find(',', start);
        std::string_view cell =
            trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
        if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') {
            cell = trim(cell.substr(1, cell.size() - 2));
        }
        cells.emplace_back(cell);
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    // A trailing comma (SCALE-Sim's own convention) is not an extra column.
    while (!cells.empty() && cells.back().empty()) {
        cells.pop_back();
    }
    return cells;
}

// Header cell normalised for comparison: lower case, no spaces, '_' or '-', no plural 's'.
std::string header_key(const std::string& cell) {
    std::string out;
    for (char c : to_lower(cell)) {
        if (c != ' ' && c != '_' && c != '-' && c != '\t') {
            out += c;
        }
    }
    if (out.size() > 1 && out.back() == 's') {
        out.pop_back();
    }
    return out;
}

// The parsed header: format and the display name of each positional column.
struct Header {
    CsvFormat format = CsvFormat::Conv;
    std::vector<std::string> names;  // column display names, positional (name column first)
};

Header read_header(const std::string& path, size_t line_no, const std::vector<std::string>& cells,
                   std::string_view line) {
    std::vector<std::string> keys;
    for (const std::string& c : cells) {
        keys.push_back(header_key(c));
    }
    auto has = [&](const char* k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
    Header h;
    std::vector<std::string> canonical;  // expected names of the numeric columns, display form
    std::vector<std::string> expected;   // the same, normalised
    if (has("ifmapheight")) {
        h.format = CsvFormat::Conv;
        canonical = {"IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width",
                     "Channels",     "Num Filter",  "Strides"};
    } else if (has("m") && has("n") && has("k")) {
        h.format = CsvFormat::Gemm;
        canonical = {"M", "N", "K"};
    } else {
        throw InputError(
            fmt::format("{}:{}: unrecognised header '{}': expected a SCALE-Sim conv header ({}) "
                        "or GEMM header ({})",
                        path, line_no, trim(line), kConvHeader, kGemmHeader));
    }
    std::vector<std::string> problems;
    h.names.push_back(!cells.empty() && !cells[0].empty() ? cells[0] : "Layer name");
    for (size_t i = 0; i < canonical.size(); ++i) {
        const size_t col = i + 1;
        const std::string got = col < cells.size() ? cells[col] : "";
        if (header_key(got) != header_key(canonical[i])) {
            problems.push_back(
                fmt::format("{}:{}: header column {} is '{}', expected '{}' (SCALE-Sim reads the "
                            "columns by position: {})",
                            path, line_no, col + 1, got, canonical[i],
                            h.format == CsvFormat::Conv ? kConvHeader : kGemmHeader));
        }
        h.names.push_back(got.empty() ? canonical[i] : got);
    }
    throw_if_problems(path, problems);
    if (h.format == CsvFormat::Conv) {
        h.names.push_back(cells.size() > 8 && !cells[8].empty() ? cells[8] : "Stride W (column 9)");
    }
    return h;
}

// A cell parsed as an unsigned integer: value, or why not. `negative` is set for "-<digits>".
struct IntCell {
    std::optional<uint64_t> value;  // set when the cell is digits only and fits 64 bits
    bool negative = false;          // "-<digits>"
    bool too_large = false;         // digits only, but more than 64 bits
};

IntCell parse_int(std::string_view s) {
    IntCell r;
    if (!s.empty() && s.front() == '-') {
        r.negative = true;
        s.remove_prefix(1);
    }
    if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) {
        r.negative = false;
        return r;
    }
    uint64_t v = 0;
    for (char c : s) {
        if (__builtin_mul_overflow(v, uint64_t{10}, &v) || __builtin_add_overflow(v, uint64_t(c - '0'), &v)) {
            r.too_large = true;
            return r;
        }
    }
    if (!r.negative) {
        r.value = v;
    }
    return r;
}

// Reads the numeric column `col` of a row into `out`; appends a problem line and returns false on failure.
bool read_dim(const std::string& where, const Header& h, const std::vector<std::string>& cells, size_t col,
              uint32_t& out, std::vector<std::string>& problems) {
    const std::string& name = h.names[col];
    const std::string& cell = cells[col];
    const IntCell v = parse_int(cell);
    if (v.negative || (v.value && *v.value == 0)) {
        problems.push_back(fmt::format("{}: {}: must be >= 1 (got {})", where, name, cell));
    } else if (v.too_large || (v.value && *v.value > kMaxLayerDim)) {
        problems.push_back(fmt::format("{}: {}: must be <= {} (got {})", where, name, kMaxLayerDim, cell));
    } else if (!v.value) {
        problems.push_back(fmt::format("{}: {}: '{}' is not an integer", where, name, cell));
    } else {
        out = static_cast<uint32_t>(*v.value);
        return true;
    }
    return false;
}

// Maps a check_layer key to the CSV column that holds it (or the key itself when no column does).
std::string column_for(const Header& h, const std::string& key) {
    static const std::vector<std::string> kConvKeys = {"name", "in_h",  "in_w",     "kernel_h", "kernel_w",
                                                       "in_c", "out_c", "stride_h", "stride_w"};
    static const std::vector<std::string> kGemmKeys = {"name", "m", "n", "k"};
    const auto& keys = h.format == CsvFormat::Conv ? kConvKeys : kGemmKeys;
    for (size_t i = 0; i < keys.size() && i < h.names.size(); ++i) {
        if (keys[i] == key) {
            return h.names[i];
        }
    }
    return key;
}

// Parses one non-blank data row; appends the layer to `w` or problem lines to `problems`.
void read_row(const std::string& where, const Header& h, const std::vector<std::string>& cells, Workload& w,
              std::vector<std::string>& problems) {
    const bool conv = h.format == CsvFormat::Conv;
    const size_t needed = conv ? 8 : 4;  // fields, name included
    size_t present = 0;                  // non-empty fields among the first `needed`
    for (size_t col = 0; col < needed && col < cells.size(); ++col) {
        present += cells[col].empty() ? 0 : 1;
    }
    for (size_t col = 0; col < needed; ++col) {
        if (col >= cells.size() || cells[col].empty()) {
            problems.push_back(
                fmt::format("{}: {}: missing (the row has {} of the {} fields of a SCALE-Sim {} "
                            "row: {})",
                            where, h.names[col], present, needed, conv ? "conv" : "GEMM",
                            conv ? kConvHeader : kGemmHeader));
            return;
        }
    }
    if (const size_t bad = text::first_invalid_utf8(cells[0]); bad != std::string::npos) {
        problems.push_back(fmt::format("{}: {}: not valid UTF-8 (byte 0x{:02X} at byte {} of the name)", where,
                                       h.names[0], static_cast<unsigned char>(cells[0][bad]), bad + 1));
        return;
    }
    Layer layer;
    layer.name = cells[0];
    layer.origin = where;
    bool ok = true;
    if (conv) {
        ConvShape& c = layer.conv;
        layer.kind = LayerKind::Conv;
        uint32_t* dims[] = {&c.in_h, &c.in_w, &c.kernel_h, &c.kernel_w, &c.in_c, &c.out_c, &c.stride_h};
        for (size_t i = 0; i < 7; ++i) {
            ok = read_dim(where, h, cells, i + 1, *dims[i], problems) && ok;
        }
        c.stride_w = c.stride_h;
        // Optional 9th column: stride-w (SCALE-Sim v2) when an integer; anything else (v3 sparsity "N:M") is
        // ignored.
        if (cells.size() > 8 && !cells[8].empty()) {
            const IntCell v = parse_int(cells[8]);
            if (v.value || v.negative || v.too_large) {
                ok = read_dim(where, h, cells, 8, c.stride_w, problems) && ok;
            }
        }
        if (ok && c.kernel_h > c.in_h) {
            problems.push_back(
                fmt::format("{}: {}: {} is larger than {} {} (SCALE-Sim IFMAP sizes include any "
                            "padding; the filter must fit)",
                            where, h.names[3], c.kernel_h, h.names[1], c.in_h));
            ok = false;
        }
        if (ok && c.kernel_w > c.in_w) {
            problems.push_back(
                fmt::format("{}: {}: {} is larger than {} {} (SCALE-Sim IFMAP sizes include any "
                            "padding; the filter must fit)",
                            where, h.names[4], c.kernel_w, h.names[2], c.in_w));
            ok = false;
        }
        if (ok) {
            // SCALE-Sim's output size is ceil((H - R + s) / s): a last, partial window still produces an
            // output (its out-of-range taps read nothing). Pad the bottom/right edge so our
            // floor((H + pad - R) / s) + 1 gives the same size; the padded taps are zeros.
            c.pad_bottom = (c.stride_h - (c.in_h - c.kernel_h) % c.stride_h) % c.stride_h;
            c.pad_right = (c.stride_w - (c.in_w - c.kernel_w) % c.stride_w) % c.stride_w;
        }
    } else {
        layer.kind = LayerKind::Gemm;
        uint32_t* dims[] = {&layer.gemm.m, &layer.gemm.n, &layer.gemm.k};
        for (size_t i = 0; i < 3; ++i) {
            ok = read_dim(where, h, cells, i + 1, *dims[i], problems) && ok;
        }
    }
    if (!ok) {
        return;
    }
    const std::vector<Problem> shape = check_layer(layer);  // what remains: size limits
    for (const Problem& p : shape) {
        problems.push_back(fmt::format("{}: {}: {}", where, column_for(h, p.key), p.what));
    }
    if (shape.empty()) {
        w.layers.push_back(std::move(layer));
    }
}

}  // namespace

Workload parse_scalesim_csv(const std::string& path, const std::string& text) {
    const std::vector<std::string_view> lines = split_lines(strip_bom(text));
    size_t header_idx = 0;
    while (header_idx < lines.size() && split_cells(lines[header_idx]).empty()) {
        ++header_idx;
    }
    if (header_idx == lines.size()) {
        throw InputError(
            fmt::format("{}: empty file: expected a SCALE-Sim topology with a header line, "
                        "conv ({}) or GEMM ({})",
                        path, kConvHeader, kGemmHeader));
    }
    const Header header =
        read_header(path, header_idx + 1, split_cells(lines[header_idx]), lines[header_idx]);

    Workload w;
    w.name = std::filesystem::path(path).stem().string();
    w.source = header.format == CsvFormat::Conv ? "SCALE-Sim topology CSV (conv format)"
                                                : "SCALE-Sim topology CSV (GEMM format)";
    std::vector<std::string> problems;
    for (size_t i = header_idx + 1; i < lines.size(); ++i) {
        const std::vector<std::string> cells = split_cells(lines[i]);
        if (cells.empty()) {
            continue;  // blank line or a row of empty cells
        }
        read_row(fmt::format("{}:{}", path, i + 1), header, cells, w, problems);
    }
    throw_if_problems(path, problems);
    if (w.layers.empty()) {
        throw InputError(fmt::format("{}: no layers: the file has a header (line {}) but no layer rows", path,
                                     header_idx + 1));
    }
    return w;
}

}  // namespace sasim::workload_detail
