// SPDX-License-Identifier: MIT
// The sasim binary: the command line of cli/cli_main.cpp.
#include "cli/commands.h"
#include "cli/process_heap.h"

int main(int argc, char** argv) {
    sasim::cli::tune_process_heap();
    return sasim::cli::cli_main(argc, argv);
}
