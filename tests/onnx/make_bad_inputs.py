#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the malformed ONNX files of tests/bad_inputs/onnx/ (committed; rerun only to change them).

    make_bad_inputs.py [OUT_DIR]     default: tests/bad_inputs/onnx next to this script

Each <name>.onnx has a <name>.expected holding the first stderr line sasim must print (@FILE@ = the path).
"""
import os
import sys

import onnx
from onnx import TensorProto, helper


def conv_model(input_dims):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, input_dims)
    w = helper.make_tensor_value_info("w", TensorProto.FLOAT, [4, 3, 3, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])
    graph = helper.make_graph([node], "bad", [x, w], [y])
    return helper.make_model(graph, producer_name="make_bad_inputs.py",
                             opset_imports=[helper.make_opsetid("", 13)])


def cycle_model():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])
    y = helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 8])
    nodes = [helper.make_node("Add", ["x", "b"], ["a"], name="add"),
             helper.make_node("Relu", ["a"], ["b"], name="relu")]
    graph = helper.make_graph(nodes, "cycle", [x], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def unknown_tensor_model():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])
    nodes = [helper.make_node("Add", ["x", "bias"], ["y"], name="add")]
    graph = helper.make_graph(nodes, "dangling", [x], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "..", "bad_inputs", "onnx")
    os.makedirs(out, exist_ok=True)
    good = conv_model([1, 3, 8, 8]).SerializeToString()
    files = {
        "empty.onnx": b"",
        # A PyTorch checkpoint (a ZIP archive) saved with the wrong extension: wrong magic.
        "zip_magic.onnx": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(64)),
        "text_format.onnx": b'ir_version: 8\ngraph {\n  node { op_type: "Relu" input: "x" output: "y" }\n}\n',
        "truncated.onnx": good[: len(good) * 2 // 3],
        "cycle.onnx": cycle_model().SerializeToString(),
        "unknown_tensor.onnx": unknown_tensor_model().SerializeToString(),
        "no_input_shape.onnx": conv_model(None).SerializeToString(),
        "dynamic_batch.onnx": conv_model(["N", 3, 8, 8]).SerializeToString(),
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print("wrote", os.path.join(out, name), len(data), "bytes")


if __name__ == "__main__":
    main()
