// SPDX-License-Identifier: MIT
// `sasim workload llm`: write the JSON layer trace of a transformer's prefill or decode steps (docs/llm.md).
#include <charconv>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/commands.h"
#include "common/errors.h"
#include "common/output_file.h"
#include "workload/llm.h"

namespace fs = std::filesystem;

namespace sasim::cli {

namespace {

struct LlmArgs {
    std::string model;
    std::string phase = "prefill";
    std::string tokens, context, batch, layers;  // whole numbers, parsed by count() for one-line errors
    std::string out;                             // "" or "-": standard output
    bool list = false;
    bool quiet = false;
    CLI::Option* tokens_opt = nullptr;  // to tell an option given empty from one not given
    CLI::Option* context_opt = nullptr;
    CLI::Option* batch_opt = nullptr;
    CLI::Option* layers_opt = nullptr;
};

// The whole number given to `option`; nullopt when the option was not given.
std::optional<uint64_t> count(const CLI::Option* opt, const std::string& text, const char* option) {
    if (opt->count() == 0) return std::nullopt;
    uint64_t v = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec == std::errc::result_out_of_range) {
        throw InputError(fmt::format("{} {}: must be <= {}", option, text, kMaxLayerDim));
    }
    if (text.empty() || ec != std::errc() || ptr != end) {
        throw InputError(fmt::format("{} '{}': must be a whole number{}", option, text,
                                     text.rfind('-', 0) == 0 ? " (negative values are not valid)" : ""));
    }
    return v;
}

int run_list() {
    for (const LlmModel& m : llm_presets()) {
        std::cout << fmt::format("{:<11} {}; {}\n", m.name, describe_llm(m), m.source);
    }
    return 0;
}

int run_llm(const LlmArgs& a) {
    if (a.list) return run_list();
    if (a.model.empty()) {
        std::string names;
        for (const LlmModel& m : llm_presets()) names += (names.empty() ? "" : ", ") + m.name;
        throw InputError(fmt::format("--model is required (presets: {}; --list describes them)", names));
    }
    const LlmModel& model = find_llm_preset(a.model);
    LlmParams p;
    if (a.phase == "prefill" || a.phase == "decode") {
        p.phase = a.phase == "prefill" ? LlmPhase::Prefill : LlmPhase::Decode;
    } else {
        throw InputError(fmt::format("--phase '{}': must be prefill or decode", a.phase));
    }
    p.tokens = count(a.tokens_opt, a.tokens, "--tokens");
    p.context = count(a.context_opt, a.context, "--context");
    p.batch = count(a.batch_opt, a.batch, "--batch").value_or(1);
    p.layers = count(a.layers_opt, a.layers, "--layers");
    const bool to_stdout = a.out.empty() || a.out == "-";
    if (!to_stdout) {
        std::string ext = fs::path(a.out).extension().string();
        for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (ext != ".json") {
            throw InputError(fmt::format("{}: --out must name a .json file (workloads are read by extension)", a.out));
        }
        check_output_path(a.out);  // before any work
    }

    const LlmTrace t = build_llm_trace(model, p);
    const std::string json = to_json_trace(t.workload, t.comment, t.text);
    if (to_stdout) {
        std::cout << json;
        flush_stdout();  // a trace lost on a full disk or closed pipe is an error before the summary says "ok"
    } else {
        write_output_file(a.out, json);
    }
    if (!a.quiet) {
        uint64_t simulated = 0;
        for (const Layer& l : t.workload.layers) simulated += l.kind == LayerKind::Other ? 0 : 1;
        std::cerr << fmt::format("{}: {} layers ({} simulated), {:.2f} GMAC{}\n", t.workload.name,
                                 t.workload.layers.size(), simulated, static_cast<double>(total_macs(t.workload)) / 1e9,
                                 to_stdout ? "" : ", wrote " + a.out);
        const uint64_t positions = p.phase == LlmPhase::Prefill ? p.tokens.value_or(kLlmDefaultPrefillTokens)
                                                                : *p.context + *p.tokens;
        if (positions > model.max_positions) {
            std::cerr << fmt::format("warning: {} was trained for {} positions; this trace spans {} (the shapes are "
                                     "computed all the same)\n",
                                     model.name, model.max_positions, positions);
        }
    }
    return 0;
}

}  // namespace

Command add_workload_command(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("workload", "Generate workload traces: llm (a transformer's prefill or decode)");
    cmd->require_subcommand(1);
    auto a = std::make_shared<LlmArgs>();
    CLI::App* llm = cmd->add_subcommand(
        "llm", "Write the JSON layer trace of a transformer LLM's inference from its published dimensions: the "
               "projections and MLP as GEMMs, attention as batched matmuls (grouped-query attention stacked per KV "
               "head), element-wise operations as not-simulated layers (docs/llm.md)");
    llm->add_option("-m,--model", a->model, "Preset: llama2-7b, llama2-13b, llama2-70b, gpt2, gpt2-xl, bert-large");
    llm->add_option("--phase", a->phase,
                    "prefill (default: the prompt, all tokens at once) or decode (one token per step on a KV cache)");
    a->tokens_opt = llm->add_option("--tokens", a->tokens,
                                    "prefill: prompt tokens (default 2048); decode: tokens generated (required)");
    a->context_opt = llm->add_option("--context", a->context, "decode: tokens already in the KV cache (required)");
    a->batch_opt = llm->add_option("--batch", a->batch, "Sequences processed together (default 1)");
    a->layers_opt = llm->add_option("--layers", a->layers,
                                    "Only the first L transformer blocks, for quick studies (default: all)");
    llm->add_option("-o,--out", a->out, "JSON trace to write (default or '-': standard output)");
    llm->add_flag("--list", a->list, "Print the presets, one line each with their dimensions and source");
    llm->add_flag("-q,--quiet", a->quiet, "No summary line on stderr");
    return {cmd, [a] { return run_llm(*a); }};
}

}  // namespace sasim::cli
