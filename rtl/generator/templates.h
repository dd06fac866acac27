// SPDX-License-Identifier: MIT
// The SystemVerilog templates of rtl/templates, embedded by CMake (templates.cpp is generated).
#pragma once
#include <string>
#include <vector>

namespace sasim::rtl {

struct Template {
    const char* name;  // e.g. "sasim_top.sv"
    const char* text;
};

// In dependency order: packages, then modules bottom-up.
const std::vector<Template>& templates();

}  // namespace sasim::rtl
