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
    std::vector<std::string> input_shapes;
};

int run_import(const ImportArgs& a) {
    onnx_import::ImportOptions opt;
    std::vector<std::string> problems;
    for (const std::string& spec : a.input_shapes) {
        try {
            opt.input_shapes.push_back(onnx_import::parse_input_shape(spec));
        } catch (const InputError& e) {
            problems.insert(problems.end(), e.lines().begin(), e.lines().end());
        }
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
    cmd->add_option("--input-shape", args->input_shapes,
                    "NAME:D0xD1x... static shape of a graph input, e.g. input:1x3x224x224; needed for dynamic "
                    "or missing input dimensions (repeat for several inputs)")
        ->delimiter(',');
    return {cmd, [args] { return run_import(*args); }};
}

}  // namespace sasim::cli
