#!/usr/bin/python3
"""Golden values for the kit's ResNet feature points, from an independent PyTorch ResNet (no torchvision).

Run with Debian's interpreter:

    /usr/bin/python3 lib/src/test/python/make_resnet_features_golden.py

It writes lib/src/test/resources/golden/resnet_features_golden.json, read by dev.cmkd.model.ResNetGoldenTest.
The network is written here from the architecture in method.md section 2 and the released code's
models/backbone.py (basic blocks, no convolution bias, BatchNorm eps 1e-5, global average pooling, a linear head),
with torch.nn.functional, at a small width:

    stem      relu(bn(conv7x7/2, pad 3)), maxpool 3x3/2 pad 1        or, small input, relu(bn(conv3x3/1, pad 1))
    block     S = bn2(conv3x3(relu(bn1(conv3x3/stride(x))))) + shortcut(x),  out = relu(S)
              shortcut = x, or bn(conv1x1/stride(x)) at the first block of every stage but the first
    features  post-ReLU  mean_{h,w} relu(S_L)    what the released code distils: its pre_out aliases out, and
                                                 nn.ReLU(inplace=True) overwrites it (asserted below)
              pre-ReLU   mean_{h,w} S_L          what its variable names promise
    logits    W mean_{h,w} relu(S_L) + b

The weights are drawn here and stored under the kit's parameter names without DJL's child-index prefixes
("layer2_0_downsample_conv_weight"); the Java test loads them into dev.cmkd.model.ResNet. Each case runs in
inference mode (running statistics) and in training mode (batch statistics).

Conventions (as make_golden.py): inputs and weights are float32-representable and stored as float32; expected
values are computed in float64 and stored as float64; the same network is also run in float32 and its worst error,
in units of the float32 tolerance, is recorded in meta.float32SelfCheck. Arrays are {"shape", "dtype", "b64"},
little-endian.
"""

import base64
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20260214
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "resources", "golden",
                   "resnet_features_golden.json")
TOL = {"float32": {"rtol": 1e-4, "atol": 1e-5}, "float64": {"rtol": 1e-10, "atol": 1e-12}}
GEN = torch.Generator().manual_seed(SEED)
F32_WORST = {"ratio": 0.0, "where": None}

CASES = [
    # name, input channels, width, blocks per stage, small-input stem, classes, input shape
    ("imagenet stem, width 4, blocks 1-1-1", 3, 4, [1, 1, 1], False, 5, (2, 3, 32, 32)),
    ("small-input stem, width 4, blocks 2-1", 1, 4, [2, 1], True, 3, (3, 1, 12, 10)),
]


def enc(t, dtype):
    a = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4" if dtype == "float32" else "<f8"))
    return {"shape": list(a.shape), "dtype": dtype, "b64": base64.b64encode(a.tobytes()).decode("ascii")}


def draw(*shape, std=1.0, low=None, high=None):
    if low is not None:
        return torch.rand(*shape, generator=GEN, dtype=torch.float32) * (high - low) + low
    return torch.randn(*shape, generator=GEN, dtype=torch.float32) * std


def conv_weight(name, params, out_ch, in_ch, k):
    params[name + "_weight"] = draw(out_ch, in_ch, k, k, std=(2.0 / (in_ch * k * k)) ** 0.5)


def bn_params(name, params, ch):
    params[name + "_gamma"] = draw(ch, low=0.5, high=1.5)
    params[name + "_beta"] = draw(ch, std=0.2)
    params[name + "_runningMean"] = draw(ch, std=0.2)
    params[name + "_runningVar"] = draw(ch, low=0.5, high=2.0)


def make_params(in_ch, width, blocks, small, classes):
    params = {}
    conv_weight("conv1", params, width, in_ch, 3 if small else 7)
    bn_params("bn1", params, width)
    ch = width
    for s, n in enumerate(blocks):
        out_ch = width << s
        for i in range(n):
            name = f"layer{s + 1}_{i}"
            conv_weight(name + "_conv1", params, out_ch, ch, 3)
            bn_params(name + "_bn1", params, out_ch)
            conv_weight(name + "_conv2", params, out_ch, out_ch, 3)
            bn_params(name + "_bn2", params, out_ch)
            if s > 0 and i == 0:
                conv_weight(name + "_downsample_conv", params, out_ch, ch, 1)
                bn_params(name + "_downsample_bn", params, out_ch)
            ch = out_ch
    params["fc_weight"] = draw(classes, ch, std=0.3)
    params["fc_bias"] = draw(classes, std=0.1)
    return params


def bn(x, p, name, training):
    # clones: a training-mode batch_norm updates the running statistics in place
    return F.batch_norm(x, p[name + "_runningMean"].clone(), p[name + "_runningVar"].clone(), p[name + "_gamma"],
                        p[name + "_beta"], training=training, momentum=0.1, eps=1e-5)


def resnet(x, p, blocks, small, training):
    """Returns (logits, post-ReLU feature, pre-ReLU feature)."""
    if small:
        x = F.relu(bn(F.conv2d(x, p["conv1_weight"], stride=1, padding=1), p, "bn1", training))
    else:
        x = F.relu(bn(F.conv2d(x, p["conv1_weight"], stride=2, padding=3), p, "bn1", training))
        x = F.max_pool2d(x, 3, 2, 1)
    pre_relu = None
    for s, n in enumerate(blocks):
        for i in range(n):
            name = f"layer{s + 1}_{i}"
            stride = 2 if s > 0 and i == 0 else 1
            identity = x
            out = F.relu(bn(F.conv2d(x, p[name + "_conv1_weight"], stride=stride, padding=1), p, name + "_bn1",
                            training))
            out = bn(F.conv2d(out, p[name + "_conv2_weight"], padding=1), p, name + "_bn2", training)
            if name + "_downsample_conv_weight" in p:
                identity = bn(F.conv2d(x, p[name + "_downsample_conv_weight"], stride=stride), p,
                              name + "_downsample_bn", training)
            out += identity
            pre_relu = out.clone()             # the pre-activation sum, what the released code's names promise
            pre_out = out                      # the released code's line: an alias, not a copy
            out = F.relu(out, inplace=True)    # its nn.ReLU(inplace=True)
            assert torch.equal(pre_out, out)   # so its pre_out holds the post-ReLU values
            x = out
    post = x.mean(dim=(2, 3))
    pre = pre_relu.mean(dim=(2, 3))
    logits = F.linear(post, p["fc_weight"], p["fc_bias"])
    return logits, post, pre


def f32_check(where, ref, val):
    tol = TOL["float32"]["atol"] + TOL["float32"]["rtol"] * ref.abs()
    ratio = float(((val.double() - ref).abs() / tol).max())
    if ratio > F32_WORST["ratio"]:
        F32_WORST.update(ratio=ratio, where=where)


def main():
    cases = []
    for name, in_ch, width, blocks, small, classes, shape in CASES:
        params = make_params(in_ch, width, blocks, small, classes)
        x = draw(*shape)
        case = {"name": name, "inputChannels": in_ch, "width": width, "blocksPerStage": blocks, "smallInput": small,
                "classes": classes, "input": enc(x, "float32"),
                "parameters": {k: enc(v, "float32") for k, v in params.items()}, "modes": {}}
        for mode, training in (("inference", False), ("training", True)):
            with torch.no_grad():
                ref = resnet(x.double(), {k: v.double() for k, v in params.items()}, blocks, small, training)
                single = resnet(x, params, blocks, small, training)
            for key, r, v in zip(("logits", "postRelu", "preRelu"), ref, single):
                f32_check(f"{name} {mode} {key}", r, v)
            assert bool((ref[2] < 0).any()), "the pre-ReLU feature should have negative entries"
            assert bool((ref[1] >= 0).all()), "the post-ReLU feature is non-negative"
            case["modes"][mode] = {"logits": enc(ref[0], "float64"), "postRelu": enc(ref[1], "float64"),
                                   "preRelu": enc(ref[2], "float64")}
            print(f"{name}, {mode}: post-ReLU mean {float(ref[1].mean()):.4f}, pre-ReLU mean "
                  f"{float(ref[2].mean()):.4f}, {int((ref[2] < 0).sum())} of {ref[2].numel()} pre-ReLU entries < 0")
        cases.append(case)
    meta = {"seed": SEED, "torch": torch.__version__, "numpy": np.__version__, "tolerances": TOL,
            "float32SelfCheck": F32_WORST}
    with open(OUT, "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"float32 self-check: worst {F32_WORST['ratio']:.3e} of the float32 tolerance at {F32_WORST['where']}")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
