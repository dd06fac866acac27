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


def einsum_model():
    """An Einsum matrix product: sasim cannot simulate it, so the import is partial and refused."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])
    w = helper.make_tensor_value_info("w", TensorProto.FLOAT, [4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = [helper.make_node("Einsum", ["x", "w"], ["y"], name="es", equation="ij,jk->ik")]
    graph = helper.make_graph(nodes, "einsum", [x, w], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def loop_model():
    """A Loop with a MatMul in its body whose trip count is a graph input: not unrolled, refused."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 4])
    trip = helper.make_tensor_value_info("trip", TensorProto.INT64, [])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    body = helper.make_graph(
        [helper.make_node("MatMul", ["carried", "carried"], ["next"], name="mm"),
         helper.make_node("Identity", ["cond"], ["cond_out"])], "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
         helper.make_tensor_value_info("carried", TensorProto.FLOAT, [4, 4])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("next", TensorProto.FLOAT, [4, 4])])
    nodes = [helper.make_node("Loop", ["trip", "", "x"], ["y"], name="loop", body=body)]
    graph = helper.make_graph(nodes, "loop", [x, trip], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def reshape_from_data_model():
    """A Reshape whose target shape is a graph input's data: the MatMul after it cannot be sized."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 16])
    shape = helper.make_tensor_value_info("target", TensorProto.INT64, [2])
    w = helper.make_tensor("w", TensorProto.FLOAT, [8, 4], [0.0] * 32)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = [helper.make_node("Reshape", ["x", "target"], ["xr"], name="reshape"),
             helper.make_node("MatMul", ["xr", "w"], ["y"], name="mm")]
    graph = helper.make_graph(nodes, "reshape", [x, shape], [y], initializer=[w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def scan_without_num_scan_inputs():
    """A Scan missing its required num_scan_inputs: ONNX 1.12's shape inference would crash on it."""
    t = TensorProto.FLOAT
    body = helper.make_graph([helper.make_node("Add", ["a", "b"], ["c"])], "body",
                             [helper.make_tensor_value_info("a", t, [2]), helper.make_tensor_value_info("b", t, [2])],
                             [helper.make_tensor_value_info("c", t, [2]), helper.make_tensor_value_info("c", t, [2])])
    node = helper.make_node("Scan", ["i", "x"], ["y", "z"], body=body)
    graph = helper.make_graph([node], "scan", [helper.make_tensor_value_info("i", t, [2]),
                                               helper.make_tensor_value_info("x", t, [3, 2])],
                              [helper.make_tensor_value_info("y", t, None)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 9)])


def conv_transpose_rank2():
    """A ConvTranspose whose input is 2-D: ONNX 1.12's shape inference dereferences null on it."""
    t = TensorProto.FLOAT
    node = helper.make_node("ConvTranspose", ["X", "W"], ["Y"])
    graph = helper.make_graph([node], "convt", [helper.make_tensor_value_info("X", t, [3, 3]),
                                                helper.make_tensor_value_info("W", t, [1, 2, 3, 3])],
                              [helper.make_tensor_value_info("Y", t, None)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])


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
        "partial_einsum.onnx": einsum_model().SerializeToString(),
        "loop_unknown_trip.onnx": loop_model().SerializeToString(),
        "reshape_from_data.onnx": reshape_from_data_model().SerializeToString(),
        "scan_missing_attribute.onnx": scan_without_num_scan_inputs().SerializeToString(),
        "inference_crash.onnx": conv_transpose_rank2().SerializeToString(),
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print("wrote", os.path.join(out, name), len(data), "bytes")


if __name__ == "__main__":
    main()
