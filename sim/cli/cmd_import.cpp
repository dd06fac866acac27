// SPDX-License-Identifier: MIT
// `sasim import`: read an ONNX model and write it as our JSON layer trace (docs/onnx.md).
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "cli/commands.h"
#include "common/errors.h"
#include "common/output_file.h"
#include "onnx/onnx_import.h"

namespace fs = std::filesystem;

namespace sasim::cli {

namespace {

struct ImportArgs {
    std::string model;
    std::string out;
    OnnxArgs onnx;
};

int run_import(const ImportArgs& a) {
    std::vector<std::string> problems;
    onnx_import::ImportOptions opt;
    try {
        opt = onnx_import_options(a.onnx);
    } catch (const InputError& e) {
        problems = e.lines();
    }
    std::string ext = fs::path(a.out).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!a.out.empty() && ext != ".json") {
        problems.push_back(fmt::format("{}: --out must name a .json file (workloads are read by extension)", a.out));
    }
    if (!problems.empty()) throw InputError(problems);

    const onnx_import::Imported im = onnx_import::import_model(a.model, opt);
    const std::string json = onnx_import::to_json_trace(im);
    if (a.out.empty()) {
        std::cout << json;
        std::cerr << onnx_import::summary(im);
        return 0;
    }
    const fs::path parent = fs::path(a.out).parent_path();
    if (fs::is_directory(a.out)) throw InputError(fmt::format("{}: --out is a directory; name a .json file", a.out));
    if (!parent.empty() && !fs::is_directory(parent)) {
        throw InputError(fmt::format("{}: cannot write: directory {} does not exist", a.out, parent.string()));
    }
    write_output_file(a.out, json);
    // The file must read back as the same network: anything else is a bug in the writer, not bad input.
    Workload back;
    try {
        back = load_workload(a.out);
    } catch (const InputError& e) {
        throw std::runtime_error(fmt::format("the written trace {} does not load: {}", a.out, e.what()));
    }
    if (back.layers.size() != im.workload.layers.size() || total_macs(back) != total_macs(im.workload)) {
        throw std::runtime_error(fmt::format("the written trace {} differs from the imported network", a.out));
    }
    std::cout << onnx_import::summary(im) << fmt::format("wrote {}\n", a.out);
    return 0;
}

}  // namespace

Command add_import_command(CLI::App& app) {
    auto args = std::make_shared<ImportArgs>();
    CLI::App* cmd = app.add_subcommand(
        "import", "Read an ONNX model and write it as a sasim JSON layer trace (Conv, Gemm, MatMul and their "
                  "quantized forms become layers; other ops are listed as not simulated). docs/onnx.md");
    cmd->add_option("model", args->model, "The .onnx model file")->required();
    cmd->add_option("-o,--out", args->out, "JSON trace to write (default: print it on stdout)");
    add_onnx_options(cmd, args->onnx);
    return {cmd, [args] { return run_import(*args); }};
}

void add_onnx_options(CLI::App* cmd, OnnxArgs& args) {
    cmd->add_option("--input-shape", args.input_shapes,
                    "ONNX: NAME:D0xD1x... static shape of a graph input, e.g. input:1x3x224x224; needed for dynamic "
                    "or missing input dimensions (repeat for several inputs)")
        ->delimiter(',');
    cmd->add_option("--input-value", args.input_values,
                    "ONNX: NAME=V or NAME=V1,V2,... fixes a graph input to a constant (a sample rate, a mode flag), "
                    "so that shape arithmetic and If conditions depending on it are resolved (repeatable)");
    cmd->add_option("--if-branch", args.if_branches,
                    "ONNX: NODE=then|else, the branch imported for an If whose condition is not known at import "
                    "(default: the branch with more matrix-product nodes, with a warning; repeatable)");
    cmd->add_flag("--allow-partial", args.allow_partial,
                  "ONNX: import even when some matrix products cannot be (a Loop with an unknown trip count, "
                  "Einsum): they are listed, and the summary says which fraction of the MACs the import holds");
}

onnx_import::ImportOptions onnx_import_options(const OnnxArgs& a) {
    onnx_import::ImportOptions opt;
    std::vector<std::string> problems;
    const auto parse = [&](auto&& fn) {
        try {
            fn();
        } catch (const InputError& e) {
            problems.insert(problems.end(), e.lines().begin(), e.lines().end());
        }
    };
    for (const std::string& s : a.input_shapes) parse([&] { opt.input_shapes.push_back(onnx_import::parse_input_shape(s)); });
    for (const std::string& s : a.input_values) parse([&] { opt.input_values.push_back(onnx_import::parse_input_value(s)); });
    for (const std::string& s : a.if_branches) parse([&] { opt.if_branches.push_back(onnx_import::parse_if_branch(s)); });
    opt.allow_partial = a.allow_partial;
    if (!problems.empty()) throw InputError(problems);
    return opt;
}

}  // namespace sasim::cli
