#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Real torch.onnx.export output through `sasim import`: the MACs sasim finds equal an independent count.

    torch_exports.py SASIM CONFIG [--keep DIR] [--only NAME,...]

At test time, in a temporary directory (deleted afterwards), each model below is built with random weights
(torch.manual_seed(0), never pretrained), exported by torch.onnx.export (model.eval(), torch.no_grad()) and
imported with `SASIM import MODEL.onnx --out MODEL.json` (with --input-shape for every input of the models
exported with dynamic axes). The MACs of sasim's summary line must equal the MACs counted in PyTorch by
forward hooks on the modules, which do not use sasim or ONNX:

    Conv2d              output elements * in_channels / groups * kernel_h * kernel_w
    Linear              output elements * in_features
    MultiheadAttention  in-projections B*L*E*E + B*S*kdim*E + B*S*vdim*E, QK^T and AV 2*B*L*S*E, and the
                        out-projection B*L*E*E unless the out_proj Linear's own hook fired (it does not in
                        torch 1.13: F.multi_head_attention_forward uses out_proj.weight directly)
    LSTM / GRU / RNN    per layer and direction: seq * batch * (layer input + hidden) * gates * hidden,
                        gates 4 / 3 / 1
    GptAttention        QK^T and AV, each batch * heads * q_len * kv_len * head_dim (kv_len: the keys it
                        returns, past and new); its q/k/v and output projections are Linear modules

Besides the torchvision models, an LSTM and a GRU, two GPT-2-style decoders written here (class Gpt: 2
blocks, d_model 256, 4 heads, 4x MLP with tanh GELU, LayerNorm, token and position embeddings, vocabulary
1000, LM head tied to the token embedding; no `transformers` package) are exported as GPT-2 code writes them:
heads split by view on the tensor's sizes, explicit q @ k^T and softmax @ v, the causal mask sliced from a
buffer, so the graph holds the exporter's Shape/Gather/Slice/Concat/Reshape arithmetic. gpt_prefill takes token
ids [batch, sequence]; gpt_decode is one step with a KV cache: the new token [batch, 1] and each layer's past
keys and values [batch, heads, past, head_dim] in, the logits and the concatenated caches out. They are
exported on other example sizes (batch 2; 16 tokens; 32 cached) than they are imported and counted with
(batch 1; 128 tokens; 256 cached), so a size the exporter froze into the graph would show. The embedding
lookup (Gather) is not a MAC.

The counting forward runs on a copy of the model on the meta device (shapes only). The count is complete
only if those modules are the only matrix products, so that forward also checks that every module without
children is either a counted type or a known product-free type, and that every matrix-product function
(conv, linear, matmul, bmm, einsum, lstm, ...) is called inside a counted module (a TorchFunctionMode sees
the calls). GptAttention's rule is a formula over the products of its own forward, so each of its calls must
make exactly two product calls outside its Linear children (OWN_PRODUCTS).

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
import collections
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


class GptAttention(nn.Module):
    """GPT-2's causal self-attention, written as GPT2Attention is: a fused q/k/v projection, heads split by view
    on the tensor's own sizes, explicit q @ k^T and softmax(...) @ v, the causal mask sliced from a buffer at
    [k_len - q_len : k_len, :k_len], and the past keys and values (if given) concatenated before the new ones.
    Returns the output and the keys and values attended to (the updated cache)."""

    def __init__(self, d_model, heads, positions):
        super().__init__()
        self.heads, self.head_dim = heads, d_model // heads
        self.c_attn = nn.Linear(d_model, 3 * d_model)
        self.c_proj = nn.Linear(d_model, d_model)
        mask = torch.tril(torch.ones(positions, positions, dtype=torch.bool)).view(1, 1, positions, positions)
        self.register_buffer("bias", mask, persistent=False)

    def split_heads(self, t):  # [b, s, heads * head_dim] -> [b, heads, s, head_dim]
        return t.view(t.size()[:-1] + (self.heads, self.head_dim)).permute(0, 2, 1, 3)

    def forward(self, x, past_key=None, past_value=None):
        q, k, v = self.c_attn(x).split(x.size(-1), dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        if past_key is not None:
            k = torch.cat((past_key, k), dim=-2)
            v = torch.cat((past_value, v), dim=-2)
        w = torch.matmul(q, k.transpose(-1, -2))
        w = w / torch.full([], v.size(-1) ** 0.5, dtype=w.dtype, device=w.device)
        q_len, k_len = q.size(-2), k.size(-2)
        causal = self.bias[:, :, k_len - q_len:k_len, :k_len]
        w = torch.where(causal, w, torch.full([], torch.finfo(w.dtype).min, dtype=w.dtype, device=w.device))
        w = nn.functional.softmax(w, dim=-1)
        y = torch.matmul(w, v).permute(0, 2, 1, 3).contiguous()
        y = y.view(y.size()[:-2] + (self.heads * self.head_dim,))
        return self.c_proj(y), k, v


class GptBlock(nn.Module):
    """Pre-norm GPT-2 block: x + attn(ln_1(x)), then x + mlp(ln_2(x)) with a 4x MLP and tanh GELU."""

    def __init__(self, d_model, heads, positions):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d_model)
        self.attn = GptAttention(d_model, heads, positions)
        self.ln_2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(approximate="tanh"),
                                 nn.Linear(4 * d_model, d_model))

    def forward(self, x, past_key=None, past_value=None):
        a, k, v = self.attn(self.ln_1(x), past_key, past_value)
        x = x + a
        return x + self.mlp(self.ln_2(x)), k, v


class Gpt(nn.Module):
    """A small GPT-2 (GPT2LMHeadModel's structure): token + position embeddings, `layers` blocks, a final
    LayerNorm and an LM head tied to the token embedding (as GPT-2's), over every position.
    forward(input_ids) -> logits (prefill); forward(input_ids, past_key_0, past_value_0, ...) -> logits,
    present_key_0, present_value_0, ... (one decode step with a KV cache). Positions continue after the past."""

    def __init__(self, layers, d_model, heads, vocab, positions):
        super().__init__()
        self.wte = nn.Embedding(vocab, d_model)
        self.wpe = nn.Embedding(positions, d_model)
        self.h = nn.ModuleList(GptBlock(d_model, heads, positions) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab, bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, input_ids, *past):
        past_len = past[0].size(-2) if past else 0
        positions = torch.arange(past_len, past_len + input_ids.size(-1), dtype=torch.long,
                                 device=input_ids.device).unsqueeze(0)
        x = self.wte(input_ids) + self.wpe(positions)
        present = []
        for i, block in enumerate(self.h):
            x, k, v = block(x, *past[2 * i:2 * i + 2])
            present += [k, v]
        logits = self.lm_head(self.ln_f(x))
        return (logits, *present) if past else logits


GPT = dict(layers=2, d_model=256, heads=4, vocab=1000, positions=1024)
GPT_HEAD_DIM = GPT["d_model"] // GPT["heads"]
GPT_PAST = [f"past_{kv}_{i}" for i in range(GPT["layers"]) for kv in ("key", "value")]
GPT_PRESENT = [name.replace("past", "present") for name in GPT_PAST]


class Input(collections.namedtuple("Input", "name shape export_shape vocab", defaults=(None, None))):
    """A graph input: its shape at import and in the count, the example shape traced by the export (None: the
    same; it differs for the GPT models so that a size the exporter froze would show), and for token ids
    (int64, uniform in [0, vocab)) the vocabulary size; float (randn) without it."""

    def example(self, for_export):
        shape = self.export_shape if for_export and self.export_shape else self.shape
        return torch.randint(0, self.vocab, shape) if self.vocab else torch.randn(*shape)


BATCH = {"input": {0: "batch"}, "output": {0: "batch"}}
Model = collections.namedtuple("Model", "name make inputs opset dynamic with_grad outputs",
                               defaults=(["output"],))
# name, constructor, input shape (one float input "input") or the list of Inputs, opset, dynamic axes
# (None = static), export with grad enabled (see above), output names
MODELS = [
    Model("resnet50", tv("resnet50"), IMAGE, 11, BATCH, False),
    Model("mobilenet_v3_large", tv("mobilenet_v3_large"), IMAGE, 12, None, False),
    Model("efficientnet_b0", tv("efficientnet_b0"), IMAGE, 13, None, False),
    Model("regnet_y_400mf", tv("regnet_y_400mf"), IMAGE, 14, None, False),
    Model("shufflenet_v2_x1_0", tv("shufflenet_v2_x1_0"), IMAGE, 15, BATCH, False),
    Model("vit_b_16", tv("vit_b_16"), IMAGE, 17, BATCH, True),
    Model("lstm", LstmModel, RNN_INPUT, 16,
          {"input": {0: "batch", 1: "sequence"}, "output": {0: "batch", 1: "sequence"}}, False),
    Model("gru", GruModel, RNN_INPUT, 13, {"input": {0: "batch", 1: "sequence"}, "output": {0: "batch"}}, False),
    # A prompt of 128 tokens through the whole model (exported on 2 x 16 tokens).
    Model("gpt_prefill", lambda: Gpt(**GPT), [Input("input_ids", (1, 128), (2, 16), GPT["vocab"])], 14,
          {"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}, False, ["logits"]),
    # One decode step: 1 new token after 256 cached (exported with batch 2 and 32 cached).
    Model("gpt_decode", lambda: Gpt(**GPT),
          [Input("input_ids", (1, 1), (2, 1), GPT["vocab"])]
          + [Input(name, (1, GPT["heads"], 256, GPT_HEAD_DIM), (2, GPT["heads"], 32, GPT_HEAD_DIM))
             for name in GPT_PAST], 12,
          {"input_ids": {0: "batch"}, "logits": {0: "batch"}, **{n: {0: "batch", 2: "past"} for n in GPT_PAST},
           **{n: {0: "batch", 2: "past_and_new"} for n in GPT_PRESENT}}, False, ["logits"] + GPT_PRESENT),
]
DIRECT_RUN = "gru"  # exported with dynamic axes; `sasim run` reads its .onnx with --input-shape
# The trace `sasim run` simulates: the first that imported (fastest first).
RUN_PREFERENCE = ["regnet_y_400mf", "mobilenet_v3_large", "efficientnet_b0", "shufflenet_v2_x1_0", "resnet50",
                  "vit_b_16", "gru", "lstm", "gpt_decode", "gpt_prefill"]


def model_inputs(spec):
    """The Inputs of a MODELS entry (a bare shape is one float input named "input")."""
    return [Input("input", spec.inputs)] if isinstance(spec.inputs[0], int) else spec.inputs


COUNTED = (nn.Conv2d, nn.Linear, nn.MultiheadAttention, nn.LSTM, nn.GRU, nn.RNN, GptAttention)
# Modules without children that compute no matrix product (elementwise, normalization, pooling, reshaping).
PRODUCT_FREE = (nn.BatchNorm2d, nn.LayerNorm, nn.ReLU, nn.ReLU6, nn.Hardswish, nn.Hardsigmoid, nn.SiLU,
                nn.Sigmoid, nn.GELU, nn.Tanh, nn.Softmax, nn.Dropout, nn.Identity, nn.MaxPool2d, nn.AvgPool2d,
                nn.AdaptiveAvgPool2d, nn.Flatten, nn.Embedding, torchvision.ops.StochasticDepth)
# Counted modules whose rule is a formula over the products their own forward computes (not in a counted child):
# how many such calls one forward must make. GptAttention: q @ k^T and weights @ v.
OWN_PRODUCTS = {GptAttention: 2}
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
        self.running = []  # [counted module, product calls made directly in it] for the modules being run
        self.stray = []  # product functions called outside a counted module
        self.own_mismatch = []  # OWN_PRODUCTS modules that made another number of product calls
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
        self.running.append([module, []])

    def leaf(self, module, inputs, output):
        if not isinstance(module, PRODUCT_FREE):
            self.unknown.add(type(module).__name__)

    def leave(self, module, inputs, output):
        _, own = self.running.pop()
        expected_own = OWN_PRODUCTS.get(type(module))
        if expected_own is not None and len(own) != expected_own:
            self.own_mismatch.append(f"{type(module).__name__} called {', '.join(own) or 'no product function'}; "
                                     f"its rule counts {expected_own} products")
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
        elif isinstance(module, GptAttention):
            # QK^T and AV, each batch * heads * q_len * kv_len * head_dim; the queries are the input's rows, the
            # keys the ones it returns (the past and the new). Its c_attn and c_proj are counted as Linear.
            b, q_len, _ = inputs[0].shape
            kv_len = output[1].shape[2]
            self.add(module, 2 * b * module.heads * q_len * kv_len * module.head_dim)
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
        if name in PRODUCT_FUNCTIONS:
            if self.running:
                self.running[-1][1].append(name)
            else:
                self.stray.append(name)
        return func(*args, **(kwargs or {}))


class _Restore:
    """Removes the instance-level forward wrapper of a MultiheadAttention (a handle like the hooks')."""

    def __init__(self, module):
        self.module = module

    def remove(self):
        self.module.__dict__.pop("forward", None)


def count_macs(model, inputs):
    """The independent MAC count {module type: MACs}, notes, and a list of reasons it would be incomplete.

    The forward runs on a copy of the model on the meta device: the hooks see every shape, nothing is
    computed (Debian's torch uses the reference BLAS, so a real ViT-B/16 forward takes 10-20 s)."""
    model = copy.deepcopy(model).to("meta")
    counter = MacCounter(model)
    try:
        with torch.no_grad(), counter:
            model(*(x.to("meta") for x in inputs))
    finally:
        counter.remove()
    problems = []
    if counter.unknown:
        problems.append("modules of unknown type (may compute products): " + ", ".join(sorted(counter.unknown)))
    if counter.stray:
        problems.append("matrix products outside counted modules: " + ", ".join(sorted(set(counter.stray))))
    problems += sorted(set(counter.own_mismatch))
    notes = []
    if counter.mha_runs:
        notes.append(f"MultiheadAttention: {counter.mha_runs} calls, the out_proj Linear hook fired in "
                     f"{counter.out_proj_fired} (there the out-projection is counted by Linear, else by the formula)")
    return counter.macs, notes, problems


def export(model, inputs, path, spec):
    ctx = torch.enable_grad() if spec.with_grad else torch.no_grad()
    with ctx, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TracerWarnings about Python values in the graph
        torch.onnx.export(model, tuple(inputs), path, opset_version=spec.opset,
                          input_names=[i.name for i in model_inputs(spec)], output_names=spec.outputs,
                          dynamic_axes=spec.dynamic)


def shape_options(spec):
    """--input-shape for every input of a model exported with dynamic axes (none for a static one)."""
    if not spec.dynamic:
        return []
    return [a for i in model_inputs(spec) for a in ("--input-shape", i.name + ":" + "x".join(map(str, i.shape)))]


def sasim_import(sasim, onnx_path, json_path, options):
    cmd = [sasim, "import", onnx_path, "--out", json_path] + options
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
        models = [m for m in MODELS if m.name in wanted]
        assert len(models) == len(wanted), f"unknown model in --only {args.only}"
    start = time.monotonic()
    work = args.keep or tempfile.mkdtemp(prefix="sasim_torch_exports_")
    os.makedirs(work, exist_ok=True)
    failures, imported, direct = 0, {}, None
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}; sasim {args.sasim}")
    try:
        for spec in models:
            name = spec.name
            model = spec.make().eval()
            try:
                macs, notes, problems = count_macs(model, [i.example(False) for i in model_inputs(spec)])
            except Exception as e:  # an assertion of the count (an input form it does not handle)
                macs, notes, problems = {}, [], [f"MAC count failed: {type(e).__name__}: {e}"]
            expected = sum(macs.values())
            onnx_path = os.path.join(work, name + ".onnx")
            json_path = os.path.join(work, name + ".json")
            t0 = time.monotonic()
            try:
                export(model, [i.example(True) for i in model_inputs(spec)], onnx_path, spec)
                export_s = time.monotonic() - t0
            except Exception as e:  # an export failure is a test failure, with torch's message
                export_s = time.monotonic() - t0
                problems.append(f"torch.onnx.export failed: {first_line(str(e)) or type(e).__name__}")
            got, import_s, detail = None, 0.0, ""
            if os.path.exists(onnx_path):
                r, import_s = sasim_import(args.sasim, onnx_path, json_path, shape_options(spec))
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
            axes = dict.fromkeys(a for i in model_inputs(spec) for a in (spec.dynamic or {}).get(i.name, {}).values())
            kind = "dynamic " + ",".join(axes) if axes else "static"
            print(f"{name:<19} opset {spec.opset}  {kind:<23} torch {expected:>14,}  "
                  f"sasim {sasim_macs:>14}  {'PASS' if ok else 'FAIL'}  "
                  f"(export {export_s:.1f} s, import {import_s:.1f} s)", flush=True)
            print("    counted: " + ", ".join(f"{k} {v:,}" for k, v in sorted(macs.items())))
            for line in notes + problems + ([detail] if detail else []):
                print("    " + line, flush=True)
            if name == DIRECT_RUN and ok:
                direct = (onnx_path, shape_options(spec), expected)  # small: kept for `sasim run` on the .onnx
            elif not args.keep and os.path.exists(onnx_path):
                os.remove(onnx_path)  # the large file; the traces stay for `sasim run`

        # Every imported trace runs (timing only, the heuristic mapping, so the test stays fast) with its MACs.
        if not imported:
            print("sasim run: skipped, no model imported with the right MACs")
            failures += 1
        for run_name in [n for n in RUN_PREFERENCE if n in imported] + [n for n in imported if n not in RUN_PREFERENCE]:
            json_path, expected = imported[run_name]
            t0 = time.monotonic()
            r = subprocess.run([args.sasim, "run", "-q", "--config", args.config, "--workload", json_path,
                                "--timing-only", "--mapper", "heuristic", "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
        if direct is None and any(m.name == DIRECT_RUN for m in models):
            print(f"sasim run --workload {DIRECT_RUN}.onnx: skipped, it did not import with the right MACs")
            failures += 1
        elif direct is not None:
            onnx_path, options, expected = direct
            r = subprocess.run([args.sasim, "run", "-q", "--config", args.config, "--workload", onnx_path] + options
                               + ["--timing-only", "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
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
