// SPDX-License-Identifier: MIT
// The sasim binary: the command line of cli/cli_main.cpp.
#include "cli/commands.h"

int main(int argc, char** argv) { return sasim::cli::cli_main(argc, argv); }
