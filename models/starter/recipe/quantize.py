"""Dynamic int8 quantisation of the starter model's MatMul weights, written with the onnx
package alone (onnxruntime's Python quantisation tools are not installable here).

Each MatMul whose second input is a constant [K, N] weight becomes
  DynamicQuantizeLinear(A) -> MatMulInteger(A_q, W_q, A_zp) -> Cast(float) -> Mul(A_scale * w_scale)
with W_q int8, symmetric, one scale per output column; activations are quantised per tensor at
run time (uint8, asymmetric). Convolutions (including the fixed DFT kernels of the feature
front-end), LayerNorm and the heads' biases stay float32, as do MatMuls in the nodes named
by --keep (prefixes). By default those are the feature front-end's mel filterbank (/m/feat/: its
input, a power spectrum, spans many orders of magnitude, which one int8 scale per tensor cannot
hold; quantising it cost 28-53 points of CER) and the two heads (0.18 M weights, kept exact so
the workbench recovers the character head by least squares to float precision).

Usage: /usr/bin/python3 quantize.py ../model.onnx .data/model.int8.onnx [--keep PREFIX ...]
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

KEEP = ("/m/feat/", "/m/char_head/", "/m/phone_head/")


def quantize(src: str, dst: str, keep=KEEP) -> None:
    model = onnx.load(src)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    uses = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    nodes, drop, added = [], set(), []
    count = 0
    for node in graph.node:
        w_name = node.input[1] if node.op_type == "MatMul" and len(node.input) == 2 else None
        if (w_name not in inits or len(inits[w_name].dims) != 2
                or any(node.name.startswith(k) for k in keep)):
            nodes.append(node)
            continue
        w = numpy_helper.to_array(inits[w_name]).astype(np.float32)
        scale = np.maximum(np.abs(w).max(axis=0), 1e-8) / 127.0
        wq = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        p = f"q{count}_"
        count += 1
        added += [
            numpy_helper.from_array(wq, p + "w_int8"),
            numpy_helper.from_array(scale.astype(np.float32), p + "w_scale"),
        ]
        if uses.get(w_name, 0) == 1:
            drop.add(w_name)
        a = node.input[0]
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [a], [p + "a_q", p + "a_scale", p + "a_zp"]),
            helper.make_node("MatMulInteger", [p + "a_q", p + "w_int8", p + "a_zp"], [p + "acc"]),
            helper.make_node("Cast", [p + "acc"], [p + "acc_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [p + "a_scale", p + "w_scale"], [p + "scale"]),
            helper.make_node("Mul", [p + "acc_f", p + "scale"], [node.output[0]]),
        ]
    del graph.node[:]
    graph.node.extend(nodes)
    kept = [i for i in graph.initializer if i.name not in drop]
    del graph.initializer[:]
    graph.initializer.extend(kept + added)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print(f"quantised {count} MatMul weights; wrote {dst}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--keep", nargs="*", default=list(KEEP),
                    help="node name prefixes whose MatMuls stay float32 (none: quantise all)")
    a = ap.parse_args()
    quantize(a.src, a.dst, tuple(a.keep))
