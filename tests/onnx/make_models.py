#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Builds the ONNX networks the ONNX front-end tests import, with Debian's python3-onnx (run at test time).

    make_models.py OUT_DIR

resnet50.onnx         torchvision resnet50 (v1.5) as torch.onnx.export writes it: Conv, BatchNormalization,
                      Relu, MaxPool, Add, GlobalAveragePool, Flatten, Gemm (transB=1). Input 1x3x224x224.
bert_base_layer.onnx  one BERT-base encoder layer as Hugging Face's BertLayer exports: sequence 128 (given
                      with --input-shape: the input is [batch, seq, 768] with symbolic dims), hidden 768,
                      12 heads of 64, FFN 3072. MatMul with initializer weights, a Shape/Gather/Concat
                      subgraph for the head reshapes, batched MatMul for QK^T and AV, Softmax,
                      LayerNormalization, GELU as Erf, and a second LayerNorm written out as its decomposition.

Node names are the torchvision / Hugging Face module names of workloads/resnet50.json and
workloads/bert_base_layer.json. Weights are initializers kept as ONNX external data in <model>.weights,
a sparse file of zeros: the models are realistic (initializers with real shapes) but cost no disk or time.
Each model is checked with onnx.checker and ONNX's strict shape inference before it is written.
"""
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Builder:
    def __init__(self, name, weights_file):
        self.name = name
        self.weights_file = weights_file
        self.nodes, self.inits = [], []
        self.offset = 0

    def weight(self, name, dims):
        """A float initializer stored as external data (the bytes are never read by sasim)."""
        t = TensorProto()
        t.name, t.data_type = name, TensorProto.FLOAT
        t.dims.extend(dims)
        t.data_location = TensorProto.EXTERNAL
        length = 4 * math.prod(dims)
        for key, value in (("location", self.weights_file), ("offset", str(self.offset)), ("length", str(length))):
            entry = t.external_data.add()
            entry.key, entry.value = key, value
        self.offset += (length + 4095) // 4096 * 4096
        self.inits.append(t)
        return name

    def const(self, name, array):
        """A small initializer stored in the model (shapes, axes, scalars)."""
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, name, **attrs):
        out = name + ".out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def save(self, out_dir, inputs, output, output_shape):
        self.nodes[-1].output[0] = output
        graph = helper.make_graph(self.nodes, self.name, inputs,
                                  [helper.make_tensor_value_info(output, TensorProto.FLOAT, output_shape)],
                                  initializer=self.inits)
        model = helper.make_model(graph, producer_name="sasim tests/onnx/make_models.py",
                                  opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        path = os.path.join(out_dir, self.name + ".onnx")
        weights = os.path.join(out_dir, self.weights_file)
        with open(weights, "wb") as f:
            f.truncate(self.offset)  # sparse: no blocks written
        onnx.save(model, path)
        onnx.checker.check_model(path, full_check=True)  # includes ONNX's strict shape inference
        return path


def resnet50(out_dir):
    b = Builder("resnet50", "resnet50.weights")

    def conv_bn(x, name, bn, cin, cout, k, stride=1, pad=0):
        w = b.weight(name + ".weight", [cout, cin, k, k])
        y = b.node("Conv", [x, w], name, kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4)
        params = [b.weight(f"{bn}.{p}", [cout]) for p in ("weight", "bias", "running_mean", "running_var")]
        return b.node("BatchNormalization", [y] + params, bn, epsilon=1e-5)

    x = conv_bn("input", "conv1", "bn1", 3, 64, 7, 2, 3)
    x = b.node("Relu", [x], "relu")
    x = b.node("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for stage, (blocks, width, stride) in enumerate(zip((3, 4, 6, 3), (64, 128, 256, 512), (1, 2, 2, 2)), 1):
        for i in range(blocks):
            p = f"layer{stage}.{i}"
            s = stride if i == 0 else 1
            y = b.node("Relu", [conv_bn(x, p + ".conv1", p + ".bn1", cin, width, 1)], p + ".relu")
            y = b.node("Relu", [conv_bn(y, p + ".conv2", p + ".bn2", width, width, 3, s, 1)], p + ".relu_1")
            y = conv_bn(y, p + ".conv3", p + ".bn3", width, 4 * width, 1)
            if i == 0:
                x = conv_bn(x, p + ".downsample.0", p + ".downsample.1", cin, 4 * width, 1, s)
            x = b.node("Relu", [b.node("Add", [y, x], p + ".add")], p + ".relu_2")
            cin = 4 * width
    x = b.node("GlobalAveragePool", [x], "avgpool")
    x = b.node("Flatten", [x], "flatten", axis=1)
    b.node("Gemm", [x, b.weight("fc.weight", [1000, 2048]), b.weight("fc.bias", [1000])], "fc", transB=1)
    inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])
    return b.save(out_dir, [inp], "output", [1, 1000])


def bert_layer(out_dir, hidden=768, heads=12, ffn=3072):
    b = Builder("bert_base_layer", "bert_base_layer.weights")
    head = hidden // heads
    x = "hidden_states"

    def dense(inp, name, n_in, n_out):
        y = b.node("MatMul", [inp, b.weight(name + ".weight", [n_in, n_out])], name)
        return b.node("Add", [y, b.weight(name + ".bias", [n_out])], name + ".bias_add")

    # The dynamic-shape idiom of torch.onnx.export: [batch, seq] read from the input at run time.
    shape = b.node("Shape", [x], "attention.self.shape")
    batch = b.node("Unsqueeze", [b.node("Gather", [shape, b.const("idx0", np.int64(0))], "attention.self.batch"),
                                 b.const("axes0", np.array([0], np.int64))], "attention.self.batch_1d")
    seq = b.node("Unsqueeze", [b.node("Gather", [shape, b.const("idx1", np.int64(1))], "attention.self.seq"),
                               "axes0"], "attention.self.seq_1d")
    split_shape = b.node("Concat", [batch, seq, b.const("heads_dims", np.array([heads, head], np.int64))],
                         "attention.self.split_shape", axis=0)
    merge_shape = b.node("Concat", [batch, seq, b.const("hidden_dim", np.array([hidden], np.int64))],
                         "attention.self.merge_shape", axis=0)

    def split_heads(inp, name, perm):
        y = b.node("Reshape", [inp, split_shape], name + ".view")
        return b.node("Transpose", [y], name + ".permute", perm=perm)

    q = split_heads(dense(x, "attention.self.query", hidden, hidden), "attention.self.query", [0, 2, 1, 3])
    k = split_heads(dense(x, "attention.self.key", hidden, hidden), "attention.self.key", [0, 2, 3, 1])
    v = split_heads(dense(x, "attention.self.value", hidden, hidden), "attention.self.value", [0, 2, 1, 3])
    scores = b.node("MatMul", [q, k], "attention.self.scores")
    scores = b.node("Div", [scores, b.const("sqrt_head", np.float32(math.sqrt(head)))], "attention.self.scale")
    probs = b.node("Softmax", [scores], "attention.self.softmax", axis=-1)
    ctx = b.node("MatMul", [probs, v], "attention.self.context")
    ctx = b.node("Transpose", [ctx], "attention.self.context.permute", perm=[0, 2, 1, 3])
    ctx = b.node("Reshape", [ctx, merge_shape], "attention.self.context.view")
    y = dense(ctx, "attention.output.dense", hidden, hidden)
    y = b.node("Add", [y, x], "attention.output.add")
    h = b.node("LayerNormalization", [y, b.weight("attention.output.LayerNorm.weight", [hidden]),
                                      b.weight("attention.output.LayerNorm.bias", [hidden])],
               "attention.output.LayerNorm", axis=-1, epsilon=1e-12)
    y = dense(h, "intermediate.dense", hidden, ffn)
    g = b.node("Div", [y, b.const("sqrt2", np.float32(math.sqrt(2.0)))], "intermediate.gelu.div")
    g = b.node("Add", [b.node("Erf", [g], "intermediate.gelu.erf"), b.const("one", np.float32(1.0))],
               "intermediate.gelu.add")
    g = b.node("Mul", [b.node("Mul", [y, g], "intermediate.gelu.mul"), b.const("half", np.float32(0.5))],
               "intermediate.gelu")
    y = dense(g, "output.dense", ffn, hidden)
    y = b.node("Add", [y, h], "output.add")
    # LayerNorm written out, as older exporters do.
    mean = b.node("ReduceMean", [y], "output.LayerNorm.mean", axes=[-1])
    d = b.node("Sub", [y, mean], "output.LayerNorm.sub")
    var = b.node("ReduceMean", [b.node("Pow", [d, b.const("two", np.float32(2.0))], "output.LayerNorm.pow")],
                 "output.LayerNorm.var", axes=[-1])
    sd = b.node("Sqrt", [b.node("Add", [var, b.const("eps", np.float32(1e-12))], "output.LayerNorm.add_eps")],
                "output.LayerNorm.sqrt")
    y = b.node("Div", [d, sd], "output.LayerNorm.div")
    y = b.node("Mul", [y, b.weight("output.LayerNorm.weight", [hidden])], "output.LayerNorm.scale")
    b.node("Add", [y, b.weight("output.LayerNorm.bias", [hidden])], "output.LayerNorm")
    inp = helper.make_tensor_value_info(x, TensorProto.FLOAT, ["batch", "sequence", hidden])
    return b.save(out_dir, [inp], "layer_output", ["batch", "sequence", hidden])


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for build in (resnet50, bert_layer):
        print("wrote", build(out_dir))


if __name__ == "__main__":
    main()
