// SPDX-License-Identifier: MIT
// Debian's libsystemc.so provides main(), which calls sc_main(); Catch2 runs from there. SystemC elaborates
// once per process, so ctest runs each TEST_CASE in its own process (catch_discover_tests).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <systemc>

int sc_main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
