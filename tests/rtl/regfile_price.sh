#!/usr/bin/env bash
# The price of a register file in `sasim area` (rtl/area/register_files.h: a DFFPOSX1 and two MUX2X1 per
# bit, since sasim_regfile is a black box there) against Yosys's own mapping of its behavioural body,
# read without the SYNTHESIS define, with the synthesis steps of `sasim area`: within 5 % for three
# shapes (docs/cost.md, "How", item 4).
#   regfile_price.sh TEMPLATES_DIR YOSYS LIBERTY
set -euo pipefail
templates="$1" yosys="$2" lib="$3"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cell_area() {  # the area of liberty cell $1
  awk -v c="$1" '$0 ~ "^cell \\(" c "\\)" {f = 1} f && /area :/ {gsub(";", "", $3); print $3; exit}' "$lib"
}
dff=$(cell_area DFFPOSX1) mux=$(cell_area MUX2X1)
[ -n "$dff" ] && [ -n "$mux" ] || { echo "FAIL: no DFFPOSX1 / MUX2X1 area in $lib"; exit 1; }
for shape in "5 64" "16 64" "64 33"; do
  set -- $shape
  words=$1 bits=$2
  cat > "$dir/rft.sv" <<SV
module rft(input logic clk, input logic wr_en, input logic [31:0] wr_addr, input logic [$bits-1:0] wr_data,
           input logic [31:0] rd_addr, output logic [$bits-1:0] rd_data);
  sasim_regfile #(.WORDS($words), .BITS($bits)) r (.*);
endmodule
SV
  "$yosys" -q -p "read_verilog -sv -nosynthesis $templates/sasim_regfile.sv $dir/rft.sv; hierarchy -top rft; flatten;
    proc; opt_expr; opt_clean; opt -nodffe -nosdff; wreduce; peepopt; opt_clean; alumacc; opt; memory -nomap; opt_clean;
    opt -fast -full; memory_map; opt -full; techmap; opt -fast; dfflibmap -liberty $lib; abc -liberty $lib; opt_clean;
    tee -q -o $dir/stat.txt stat -liberty $lib"
  synthesized=$(awk '/Chip area/ {print $NF}' "$dir/stat.txt")
  /usr/bin/python3 - "$words" "$bits" "$dff" "$mux" "$synthesized" <<'PY'
import sys
words, bits, dff, mux, synthesized = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
priced = words * bits * (dff + 2 * mux)
ratio = priced / synthesized
print(f"{words} x {bits}: priced {priced:.0f} um2, Yosys {synthesized:.0f} um2 (ratio {ratio:.3f})")
if not 0.95 <= ratio <= 1.05:
    print("FAIL: the register-file price is more than 5 % off Yosys's mapping")
    sys.exit(1)
PY
done
echo "PASS: register files priced within 5 % of their synthesized gates"
