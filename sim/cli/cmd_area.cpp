// SPDX-License-Identifier: MIT
// `sasim area`: area of a config's accelerator, its generated RTL synthesized with Yosys (docs/cost.md).
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "analysis/scalesim_cfg.h"
#include "cli/commands.h"
#include "common/errors.h"
#include "common/json_text.h"
#include "rtl/area/area.h"

namespace sasim::cli {
namespace {

struct AreaArgs {
    std::string config;
    std::string node;        // "45" or "28"; empty: the config's technology
    std::string format = "text";
    rtl::AreaOptions opt;
};

int run_area(const AreaArgs& a) {
    const Config cfg = analysis::load_any_config(a.config);
    print_config_notes(cfg, a.config);
    rtl::AreaOptions opt = a.opt;
    if (!a.node.empty()) opt.technology = a.node + "nm";
    const rtl::AreaReport r = rtl::run_area(cfg, opt);
    if (a.format == "json") {
        std::cout << json_text(rtl::area_to_json(r), 2) << '\n';
    } else {
        std::cout << rtl::area_to_text(r);
    }
    return 0;
}

}  // namespace

Command add_area_command(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand(
        "area", "Area of a config's accelerator: its generated RTL synthesized with Yosys into the OSU 0.18 um cells "
                "(hierarchically, cached per hardware), scaled to the technology in NAND2 equivalents, plus SRAM macros "
                "from the technology table (docs/cost.md)");
    auto a = std::make_shared<AreaArgs>();
    cmd->add_option("-c,--config", a->config, "Accelerator: sasim config JSON or SCALE-Sim .cfg")->required();
    cmd->add_option("--node", a->node, "Technology node in nm: 45 or 28 (default: the config's technology)")
        ->check(CLI::IsMember({"45", "28"}));
    cmd->add_option("--format", a->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--cache-dir", a->opt.cache_dir,
                    "Synthesis results cache (default $SASIM_AREA_CACHE, else $XDG_CACHE_HOME/sasim/area, else "
                    "~/.cache/sasim/area)");
    cmd->add_option("--liberty", a->opt.liberty, "Standard-cell liberty file (default: Debian's qflow-tech-osu018)");
    cmd->add_flag("-q,--quiet", a->opt.quiet, "No progress on stderr");
    cmd->add_option("-j,--jobs", a->opt.jobs, "Yosys processes at a time: the design is synthesized in 4 parts (default: the machine's cores)")
        ->check(CLI::Range(1u, 64u));
    return {cmd, [a] { return run_area(*a); }};
}

}  // namespace sasim::cli
