#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Real torch.onnx.export output through `sasim import`: the MACs sasim finds equal an independent count.

    torch_exports.py SASIM CONFIG [--keep DIR] [--only NAME,...]

At test time, in a temporary directory (deleted afterwards), each model below is built with random weights
(torch.manual_seed(0), never pretrained), exported by torch.onnx.export (model.eval(), torch.no_grad()) and
imported with `SASIM import MODEL.onnx --out MODEL.json` (with --input-shape for the models exported with
dynamic axes). The MACs of sasim's summary line must equal the MACs counted in PyTorch by forward hooks on
the modules, which do not use sasim or ONNX:

    Conv2d              output elements * in_channels / groups * kernel_h * kernel_w
    Linear              output elements * in_features
    MultiheadAttention  in-projections B*L*E*E + B*S*kdim*E + B*S*vdim*E, QK^T and AV 2*B*L*S*E, and the
                        out-projection B*L*E*E unless the out_proj Linear's own hook fired (it does not in
                        torch 1.13: F.multi_head_attention_forward uses out_proj.weight directly)
    LSTM / GRU / RNN    per layer and direction: seq * batch * (layer input + hidden) * gates * hidden,
                        gates 4 / 3 / 1

The counting forward runs on a copy of the model on the meta device (shapes only). The count is complete
only if those modules are the only matrix products, so that forward also checks that every module without
children is either a counted type or a known product-free type, and that every matrix-product function
(conv, linear, matmul, bmm, einsum, lstm, ...) is called inside a counted module (a TorchFunctionMode sees
the calls).

The models are imported as torch writes them, weights included (ViT-B/16: 346 MB). Rewriting the large
initializers as absent external data (which sasim accepts) would save sasim's parse (ViT-B/16 9 s -> 0.2 s)
but cost about as much in onnx.load, so it is not done.

One line per model: name, opset, static/dynamic, independent MACs, sasim MACs, PASS/FAIL, the export and
import times, and on failure sasim's first error (or warning) line. Then `SASIM run --timing-only` runs one
imported trace on CONFIG, whose total MACs must equal the count as well. Exit 1 if anything fails, 77
(ctest: skipped) when torch is not installed (Debian: python3-torch python3-torchvision).

Workarounds for torch 1.13's exporter:
- vit_b_16: under torch.no_grad(), nn.MultiheadAttention in eval mode takes its fast path,
  aten::_native_multi_head_attention, which has no ONNX symbolic ("Exporting the operator
  'aten::_native_multi_head_attention' to ONNX opset version 17 is not supported"). Its export runs with grad
  enabled instead (the weights require grad, which turns the fast path off). The exporter only traces, so no
  gradient is computed; the graph is the one of F.multi_head_attention_forward (MatMul/Gemm and batched MatMul).
"""
import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

try:
    import torch
except ImportError as e:
    print(f"skipped: torch is not importable ({e}); Debian: apt-get install python3-torch python3-torchvision")
    sys.exit(77)
import torch.nn as nn  # noqa: E402
import torchvision  # noqa: E402  (a hard requirement once torch is there: scripts/deps.sh installs both)
from torch.overrides import TorchFunctionMode  # noqa: E402

IMAGE = (1, 3, 224, 224)
RNN_INPUT = (1, 32, 64)  # batch, sequence, features (batch_first)


class LstmModel(nn.Module):
    """A 2-layer bidirectional LSTM over 64 features, hidden 128, and a linear head on every step."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(64, 128, num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(256, 10)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.head(y)


class GruModel(nn.Module):
    """A 2-layer GRU over 64 features, hidden 96, and a linear head on the last step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(64, 96, num_layers=2, batch_first=True)
        self.head = nn.Linear(96, 10)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.head(y[:, -1])


def tv(name):
    return lambda: getattr(torchvision.models, name)()  # random weights: no weights= argument


BATCH = {"input": {0: "batch"}, "output": {0: "batch"}}
# name, constructor, input shape, opset, dynamic axes (None = static), export with grad enabled (see above)
MODELS = [
    ("resnet50", tv("resnet50"), IMAGE, 11, BATCH, False),
    ("mobilenet_v3_large", tv("mobilenet_v3_large"), IMAGE, 12, None, False),
    ("efficientnet_b0", tv("efficientnet_b0"), IMAGE, 13, None, False),
    ("regnet_y_400mf", tv("regnet_y_400mf"), IMAGE, 14, None, False),
    ("shufflenet_v2_x1_0", tv("shufflenet_v2_x1_0"), IMAGE, 15, BATCH, False),
    ("vit_b_16", tv("vit_b_16"), IMAGE, 17, BATCH, True),
    ("lstm", LstmModel, RNN_INPUT, 16, {"input": {0: "batch", 1: "sequence"}, "output": {0: "batch", 1: "sequence"}},
     False),
    ("gru", GruModel, RNN_INPUT, 13, {"input": {0: "batch", 1: "sequence"}, "output": {0: "batch"}}, False),
]
DIRECT_RUN = "gru"  # exported with dynamic axes; `sasim run` reads its .onnx with --input-shape
RUN_PREFERENCE = ["regnet_y_400mf", "mobilenet_v3_large", "efficientnet_b0", "shufflenet_v2_x1_0", "resnet50",
                  "vit_b_16", "gru", "lstm"]  # the trace `sasim run` simulates: the first that imported (fastest first)

COUNTED = (nn.Conv2d, nn.Linear, nn.MultiheadAttention, nn.LSTM, nn.GRU, nn.RNN)
# Modules without children that compute no matrix product (elementwise, normalization, pooling, reshaping).
PRODUCT_FREE = (nn.BatchNorm2d, nn.LayerNorm, nn.ReLU, nn.ReLU6, nn.Hardswish, nn.Hardsigmoid, nn.SiLU,
                nn.Sigmoid, nn.GELU, nn.Tanh, nn.Softmax, nn.Dropout, nn.Identity, nn.MaxPool2d, nn.AvgPool2d,
                nn.AdaptiveAvgPool2d, nn.Flatten, torchvision.ops.StochasticDepth)
# Functions that compute a matrix product; each call must happen inside a counted module.
PRODUCT_FUNCTIONS = {
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "convolution",
    "_convolution", "conv_tbc", "linear", "bilinear", "matmul", "__matmul__", "__rmatmul__", "mm", "bmm", "addmm",
    "addbmm", "baddbmm", "addmv", "mv", "dot", "vdot", "inner", "outer", "ger", "einsum", "tensordot",
    "chain_matmul", "multi_dot", "lstm", "gru", "rnn_tanh", "rnn_relu", "lstm_cell", "gru_cell", "rnn_tanh_cell",
    "rnn_relu_cell", "multi_head_attention_forward", "_native_multi_head_attention", "scaled_dot_product_attention",
    "_scaled_dot_product_attention"}


class MacCounter(TorchFunctionMode):
    """Forward hooks on the counted modules; as a TorchFunctionMode, it sees every product function call."""

    def __init__(self, model):
        super().__init__()
        self.macs = {}  # module type name -> MACs
        self.depth = 0  # nesting of counted modules being run
        self.stray = []  # product functions called outside a counted module
        self.unknown = set()  # leaf module types neither counted nor known product-free
        self.mha_calls = {}  # id(mha) -> [mha, query, key, value shapes, out_proj hook fired] while it runs
        self.mha_runs = 0  # MultiheadAttention calls
        self.out_proj_fired = 0  # of which the out_proj Linear's hook fired inside
        self.handles = []
        for module in model.modules():
            if isinstance(module, COUNTED):
                self.handles.append(module.register_forward_pre_hook(self.enter))
                self.handles.append(module.register_forward_hook(self.leave))
                if isinstance(module, nn.MultiheadAttention):
                    self.wrap_mha(module)
            elif not list(module.children()):
                self.handles.append(module.register_forward_hook(self.leaf))

    def wrap_mha(self, mha):
        # Forward hooks of torch 1.13 do not get keyword arguments, and torchvision calls
        # self_attention(query=x, key=x, value=x), so the shapes are taken from the call itself.
        forward = mha.forward

        def shapes(query, key, value, *args, **kwargs):
            self.mha_calls[id(mha)] = [mha, query.shape, key.shape, value.shape, False]
            return forward(query, key, value, *args, **kwargs)
        mha.forward = shapes
        self.handles.append(_Restore(mha))

    def remove(self):
        for h in self.handles:
            h.remove()

    def add(self, module, macs):
        name = type(module).__name__
        self.macs[name] = self.macs.get(name, 0) + macs

    def enter(self, module, inputs):
        self.depth += 1

    def leaf(self, module, inputs, output):
        if not isinstance(module, PRODUCT_FREE):
            self.unknown.add(type(module).__name__)

    def leave(self, module, inputs, output):
        self.depth -= 1
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            self.add(module, output.numel() * (module.in_channels // module.groups) * kh * kw)
        elif isinstance(module, nn.Linear):
            self.add(module, output.numel() * module.in_features)
            for call in self.mha_calls.values():
                if module is call[0].out_proj:
                    call[4] = True
        elif isinstance(module, nn.MultiheadAttention):
            self.add(module, self.mha_macs(module))
        else:
            self.add(module, self.rnn_macs(module, inputs[0]))

    def mha_macs(self, mha):
        _, qs, ks, vs, out_proj_fired = self.mha_calls.pop(id(mha))
        assert len(qs) == 3, f"unbatched attention input {tuple(qs)}"
        if mha.batch_first:
            (b, lq, e), (_, s, kdim), (_, _, vdim) = qs, ks, vs
        else:
            (lq, b, e), (s, _, kdim), (_, _, vdim) = qs, ks, vs
        assert e == mha.embed_dim, (tuple(qs), mha.embed_dim)
        macs = b * lq * e * e + b * s * kdim * e + b * s * vdim * e  # the q, k and v in-projections
        macs += 2 * b * lq * s * e  # QK^T and AV over all heads
        self.mha_runs += 1
        if out_proj_fired:
            self.out_proj_fired += 1  # the Linear hook counted the out-projection
        else:
            macs += b * lq * e * e
        return macs

    @staticmethod
    def rnn_macs(rnn, x):
        assert isinstance(x, torch.Tensor), "packed sequences are not counted"
        assert getattr(rnn, "proj_size", 0) == 0, "LSTM projections are not counted"
        if x.dim() == 2:
            seq, batch = x.shape[0], 1
        elif rnn.batch_first:
            batch, seq = x.shape[0], x.shape[1]
        else:
            seq, batch = x.shape[0], x.shape[1]
        gates = 4 if isinstance(rnn, nn.LSTM) else 3 if isinstance(rnn, nn.GRU) else 1
        directions = 2 if rnn.bidirectional else 1
        h = rnn.hidden_size
        macs = 0
        for layer in range(rnn.num_layers):
            layer_in = rnn.input_size if layer == 0 else h * directions
            macs += directions * seq * batch * (layer_in + h) * gates * h
        return macs

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in PRODUCT_FUNCTIONS and self.depth == 0:
            self.stray.append(name)
        return func(*args, **(kwargs or {}))


class _Restore:
    """Removes the instance-level forward wrapper of a MultiheadAttention (a handle like the hooks')."""

    def __init__(self, module):
        self.module = module

    def remove(self):
        self.module.__dict__.pop("forward", None)


def count_macs(model, x):
    """The independent MAC count {module type: MACs}, notes, and a list of reasons it would be incomplete.

    The forward runs on a copy of the model on the meta device: the hooks see every shape, nothing is
    computed (Debian's torch uses the reference BLAS, so a real ViT-B/16 forward takes 10-20 s)."""
    model = copy.deepcopy(model).to("meta")
    counter = MacCounter(model)
    try:
        with torch.no_grad(), counter:
            model(x.to("meta"))
    finally:
        counter.remove()
    problems = []
    if counter.unknown:
        problems.append("modules of unknown type (may compute products): " + ", ".join(sorted(counter.unknown)))
    if counter.stray:
        problems.append("matrix products outside counted modules: " + ", ".join(sorted(set(counter.stray))))
    notes = []
    if counter.mha_runs:
        notes.append(f"MultiheadAttention: {counter.mha_runs} calls, the out_proj Linear hook fired in "
                     f"{counter.out_proj_fired} (there the out-projection is counted by Linear, else by the formula)")
    return counter.macs, notes, problems


def export(model, x, path, opset, axes, with_grad):
    ctx = torch.enable_grad() if with_grad else torch.no_grad()
    with ctx, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TracerWarnings about Python values in the graph
        torch.onnx.export(model, (x,), path, opset_version=opset, input_names=["input"], output_names=["output"],
                          dynamic_axes=axes)


def sasim_import(sasim, onnx_path, json_path, input_shape):
    cmd = [sasim, "import", onnx_path, "--out", json_path]
    if input_shape:
        cmd += ["--input-shape", "input:" + "x".join(map(str, input_shape))]
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r, time.monotonic() - t0


def first_line(text, pattern=None):
    for line in text.splitlines():
        if line.strip() and (pattern is None or re.search(pattern, line)):
            return line.strip()
    return ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sasim")
    ap.add_argument("config", help="accelerator config for the `sasim run` of one imported trace")
    ap.add_argument("--keep", help="write the models and traces into this directory and keep them")
    ap.add_argument("--only", help="comma-separated model names")
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    models = MODELS
    if args.only:
        wanted = args.only.split(",")
        models = [m for m in MODELS if m[0] in wanted]
        assert len(models) == len(wanted), f"unknown model in --only {args.only}"
    start = time.monotonic()
    work = args.keep or tempfile.mkdtemp(prefix="sasim_torch_exports_")
    os.makedirs(work, exist_ok=True)
    failures, imported, direct = 0, {}, None
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}; sasim {args.sasim}")
    try:
        for name, make, shape, opset, dynamic, with_grad in models:
            model = make().eval()
            x = torch.randn(*shape)
            try:
                macs, notes, problems = count_macs(model, x)
            except Exception as e:  # an assertion of the count (an input form it does not handle)
                macs, notes, problems = {}, [], [f"MAC count failed: {type(e).__name__}: {e}"]
            expected = sum(macs.values())
            onnx_path = os.path.join(work, name + ".onnx")
            json_path = os.path.join(work, name + ".json")
            t0 = time.monotonic()
            try:
                export(model, x, onnx_path, opset, dynamic, with_grad)
                export_s = time.monotonic() - t0
            except Exception as e:  # an export failure is a test failure, with torch's message
                export_s = time.monotonic() - t0
                problems.append(f"torch.onnx.export failed: {first_line(str(e)) or type(e).__name__}")
            got, import_s, detail = None, 0.0, ""
            if os.path.exists(onnx_path):
                r, import_s = sasim_import(args.sasim, onnx_path, json_path, shape if dynamic else None)
                m = re.search(r"\(([\d,]+) MACs\)", r.stdout)
                if r.returncode != 0 or not m:
                    detail = f"sasim import exit {r.returncode}: {first_line(r.stdout)}"
                else:
                    got = int(m.group(1).replace(",", ""))
                    if got != expected:
                        warning = first_line(r.stdout, r"(?i)warning")
                        detail = f"MACs differ by {got - expected:+,}" + (f"; sasim: {warning}" if warning else "")
                    else:
                        imported[name] = (json_path, expected)
            ok = got == expected and not problems and not detail
            failures += not ok
            sasim_macs = f"{got:,}" if got is not None else "-"
            kind = "dynamic " + ",".join(dynamic["input"].values()) if dynamic else "static"
            print(f"{name:<19} opset {opset}  {kind:<23} torch {expected:>14,}  "
                  f"sasim {sasim_macs:>14}  {'PASS' if ok else 'FAIL'}  "
                  f"(export {export_s:.1f} s, import {import_s:.1f} s)", flush=True)
            print("    counted: " + ", ".join(f"{k} {v:,}" for k, v in sorted(macs.items())))
            for line in notes + problems + ([detail] if detail else []):
                print("    " + line, flush=True)
            if name == DIRECT_RUN and ok:
                direct = (onnx_path, shape, expected)  # small: kept for `sasim run` on the .onnx itself
            elif not args.keep and os.path.exists(onnx_path):
                os.remove(onnx_path)  # the large file; the traces stay for `sasim run`

        run_name = next((n for n in RUN_PREFERENCE if n in imported), None)
        if run_name is None:
            print("sasim run: skipped, no model imported with the right MACs")
            failures += 1
        else:
            json_path, expected = imported[run_name]
            t0 = time.monotonic()
            r = subprocess.run([args.sasim, "run", "-q", "--config", args.config, "--workload", json_path,
                                "--timing-only", "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
            run_s = time.monotonic() - t0
            totals = {}
            if r.returncode == 0:
                totals = json.loads(r.stdout).get("totals", {})
            ok = r.returncode == 0 and totals.get("macs") == expected and totals.get("cycles", 0) > 0
            failures += not ok
            print(f"sasim run --timing-only {run_name}.json on {os.path.basename(args.config)}: "
                  f"{totals.get('cycles', 0):,} cycles, {totals.get('macs', 0):,} MACs  {'PASS' if ok else 'FAIL'}"
                  f" ({run_s:.1f} s)" + ("" if r.returncode == 0 else f": exit {r.returncode}: "
                                         f"{first_line(r.stderr)}"))
        # `sasim run` straight on an ONNX file exported with dynamic axes takes --input-shape as import does.
        if direct is None and any(m[0] == DIRECT_RUN for m in models):
            print(f"sasim run --workload {DIRECT_RUN}.onnx: skipped, it did not import with the right MACs")
            failures += 1
        elif direct is not None:
            onnx_path, input_shape, expected = direct
            r = subprocess.run([args.sasim, "run", "-q", "--config", args.config, "--workload", onnx_path,
                                "--input-shape", "input:" + "x".join(map(str, input_shape)), "--timing-only",
                                "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            totals = json.loads(r.stdout).get("totals", {}) if r.returncode == 0 else {}
            ok = r.returncode == 0 and totals.get("macs") == expected and totals.get("cycles", 0) > 0
            failures += not ok
            print(f"sasim run --workload {DIRECT_RUN}.onnx --input-shape: {totals.get('cycles', 0):,} cycles, "
                  f"{totals.get('macs', 0):,} MACs  {'PASS' if ok else 'FAIL'}"
                  + ("" if r.returncode == 0 else f": exit {r.returncode}: {first_line(r.stderr)}"))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{'FAIL' if failures else 'PASS'}: {failures} failure(s), {len(models)} models, "
          f"{time.monotonic() - start:.0f} s in all")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
