// SPDX-License-Identifier: MIT
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

// sasim_onnx links the SystemC model (for the CLI), so libsystemc.so is on the link line and needs the
// symbol sc_main, although these tests never start the kernel. Catch's main() runs the tests.
extern "C" int sc_main(int, char*[]) { return 3; }
