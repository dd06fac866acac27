#!/usr/bin/env bash
# Debian's Yosys reads the generated Verilog of CONFIG (issue: RTL that Verilator and Yosys both read):
# read_verilog -sv of every file, hierarchy -check, proc, with no error; and the scratchpad and the
# accumulator are the two sasim_sram black boxes of sasim_top, the load DMA's read buffer a third;
# and the DMAs' byte shifters are sasim_byte_shift modules, not wide shift cells, and the queues' entries and
# the load DMA's row records are sasim_regfile black boxes (docs/cost.md: synthesis time).
#   yosys_read.sh SASIM CONFIG YOSYS
set -euo pipefail
sasim="$1" cfg="$2" yosys="$3"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$sasim" rtl generate --config "$cfg" --out "$dir" >/dev/null
cd "$dir"
# Yosys 0.23 reads an unpacked array of a struct (`entry_t rows [N]`) as one struct, silently: such
# arrays are bit vectors in the templates.
if grep -nE "^[[:space:]]*[A-Za-z_0-9:]+_t[[:space:]]+([A-Za-z_0-9]+[[:space:]]*,[[:space:]]*)*[A-Za-z_0-9]+[[:space:]]*\[" *.sv; then
  echo "FAIL: an unpacked array of a struct type in the generated Verilog of $cfg (Yosys would keep one element)"
  exit 1
fi
files=$( (ls *_pkg.sv; ls *.sv | grep -v _pkg.sv) | tr "\n" " ")
# shellcheck disable=SC2086
if ! "$yosys" -q -l yosys.log -p "read_verilog -sv $files; hierarchy -check -top sasim_top; proc;
    select -assert-count 2 sasim_top/t:*sasim_sram*; select -assert-none sasim_top/t:\$mem*;
    select -assert-count 1 sasim_load_dma/t:*sasim_sram*;
    select -assert-count 3 sasim_load_dma/t:*sasim_byte_shift*; select -assert-count 1 sasim_store_dma/t:*sasim_byte_shift*;
    select -assert-count 2 sasim_load_dma/t:*sasim_regfile*; select -assert-count 3 sasim_top/t:*sasim_queue*;
    select -assert-none *sasim_queue*/t:\$mem* sasim_load_dma/t:\$mem* sasim_load_dma/t:\$shl sasim_store_dma/t:\$shl;
    select -assert-none sasim_load_dma/t:\$shr sasim_store_dma/t:\$shr sasim_mesh_col_os/t:\$shiftx sasim_transposer_row/t:\$shiftx" >/dev/null 2>&1; then
  grep -m5 -E "ERROR|rror" yosys.log || tail -5 yosys.log
  echo "FAIL: yosys could not read the generated Verilog of $cfg"
  exit 1
fi
echo "PASS: yosys reads the Verilog of $cfg (hierarchy -check, proc), SRAMs are black boxes, shifters are modules, register files black boxes"
