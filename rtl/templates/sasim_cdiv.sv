// SPDX-License-Identifier: MIT
// ceil(num / den) for den >= 1, clamped to 2^QB - 1 (a larger quotient moves past the last piece of a
// row either way; sasim_load_addr): QB steps of compare and subtract. The address generator's three
// dividers are instances of this module, so synthesis maps one and counts it three times.
module sasim_cdiv #(
  parameter int QB = 1
) (
  input  logic [31:0]   num,
  input  logic [31:0]   den,
  output logic [QB-1:0] q
);
  localparam int DW = 32 + QB;
  localparam logic [QB-1:0] QMAX = '1;
  logic [DW-1:0] rem, d;
  always_comb begin
    rem = DW'(num) + DW'(den) - 1;
    d = '0;
    q = '0;
    if (rem >= (DW'(den) << QB)) q = QMAX;
    else begin
      for (int i = QB - 1; i >= 0; i--) begin
        d = DW'(den) << i;
        if (rem >= d) begin
          rem = rem - d;
          q[i] = 1'b1;
        end
      end
    end
  end
endmodule
