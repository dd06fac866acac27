// SPDX-License-Identifier: MIT
// Without libFuzzer (the normal gcc build), each fuzz target is linked with this driver, which replays
// every file in the given directories once: the corpus and the crashers found so far become a regression
// test in ctest (label `fuzz`).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
    size_t n = 0;
    for (int a = 1; a < argc; ++a) {
        if (!std::filesystem::is_directory(argv[a])) continue;
        for (const auto& e : std::filesystem::directory_iterator(argv[a])) {
            if (!e.is_regular_file()) continue;
            std::ifstream f(e.path(), std::ios::binary);
            std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
            LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
            ++n;
        }
    }
    std::printf("replayed %zu inputs\n", n);
    return 0;
}
