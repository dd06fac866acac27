// SPDX-License-Identifier: MIT
// The sasim command line (cli::cli_main; the binary's main() and the Python module's run() call it). Library
// code throws typed errors; this file turns them into exit codes:
//   0 success, 1 a result check failed, 2 bad input (config, workload, options), 3 simulation error.
#include <cstdlib>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "common/errors.h"
#include "common/output_file.h"
#include "onnx/onnx_import.h"
#include "sc/simulator.h"
#include "sasim_version.h"

using namespace sasim;

namespace {
constexpr int kExitBadInput = 2;
constexpr int kExitSimulation = 3;
}  // namespace

// libsystemc's own main() would call sc_main() after printing a banner; ours takes precedence, and the
// model is elaborated and started by the commands. The symbol must still exist for the library to link.
extern "C" int sc_main(int, char*[]) { return 3; }

int sasim::cli::cli_main(int argc, char** argv) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    CLI::App app{"sasim: cycle-exact simulator of systolic-array accelerators (SystemC model, checked results)"};
    app.set_version_flag("--version", std::string("sasim ") + SASIM_VERSION);
    app.require_subcommand(0, 1);

    onnx_import::register_loader();  // load_workload reads .onnx files too

    // Every subcommand registers itself here; the first is the default when none is given.
    std::vector<cli::Command> commands = {
        cli::add_run_command(app),
        cli::add_roofline_command(app),
        cli::add_estimate_command(app),
        cli::add_compare_command(app),
        cli::add_import_command(app),
        cli::add_sweep_command(app),
        cli::add_rtl_command(app),
        cli::add_map_command(app),
        cli::add_area_command(app),
        cli::add_workload_command(app),
    };

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : kExitBadInput;
    }
    try {
        cli::Command* chosen = &commands.front();
        for (auto& c : commands) {
            if (c.app->parsed()) chosen = &c;
        }
        const int rc = chosen->run();
        flush_stdout();  // a report that did not reach stdout (a full disk, a closed pipe) is an error
        return rc;
    } catch (const sc::RunInterrupted& e) {
        // A command without a partial report of its own (run writes one and returns 128 + signal itself).
        std::cerr << "sasim: " << e.what() << "; nothing written\n";
        return 128 + e.signal;
    } catch (const InputError& e) {
        for (const auto& line : e.lines()) std::cerr << line << '\n';
        return kExitBadInput;
    } catch (const SimulationError& e) {
        std::cerr << "simulation error: " << e.what() << '\n';
        return kExitSimulation;
    } catch (const std::bad_alloc&) {
        std::cerr << "out of memory\n";
        return kExitSimulation;
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << '\n';
        return kExitSimulation;
    }
}
