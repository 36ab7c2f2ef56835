#!/usr/bin/python3
"""Golden values for the segmentation baselines (kd, fitnet, dkd, dist on dense outputs), from PyTorch.

    /usr/bin/python3 lib/src/test/python/make_segmentation_baselines_golden.py

Writes lib/src/test/resources/golden/segmentation_baselines_golden.json, read by
dev.cmkd.method.SegmentationBaselineGoldenTest. Written from the formulas in the Javadoc of
PerPixelMethod and FitNet (FeatureLayout.MAP), not from the Java code:

  * task   F.cross_entropy(z_s, y, ignore_index=-1) on logits [B, K, H, W] (mean over labelled pixels);
  * kd     computed on the 4-D maps: the per-pixel KL F.kl_div(log_softmax(z_s/T, 1), softmax(z_t/T, 1),
           reduction="none").sum(1), averaged over the labelled pixels, times T^2 (CIRKD's CriterionKD
           restricted to labelled pixels);
  * dkd    make_baselines_golden.dkd_parts (gathered non-target classes, no -1000 mask) on the labelled pixels
           as rows [N, K], with the warm-up w = min((epoch + 1) / 20, 1);
  * dist   make_baselines_golden.dist_parts on the same rows: inter-class per pixel, intra-class per class
           over the labelled pixels of the batch;
  * fitnet F.conv2d(f_s, W [D_t, D_s, 1, 1], b) and F.mse_loss against f_t (mean over B, D_t, h, w).
  * c2kd   proxies conv1x1 (no bias) - F.batch_norm (batch statistics over B, h, w; eps 1e-5) - LeakyReLU(0.1)
           - conv1x1 on each map [B, D, h, w]; Kendall's tau-b per position at h x w with scipy
           (make_baselines_golden.kendall), selection tau > 0; proxies and selection repeated to H x W
           (repeat_interleave); then make_baselines_golden's ce, kl and ntkl of both networks on the labelled
           rows. Teacher co-trained: its logits and map get gradients too.

Every term, the weighted total and its gradient w.r.t. the student's logits, the student's map (0 for the logit
methods) and (fitnet) the regressor's weight and bias. Inputs float32-representable, stored as float32; expected values float64
(the Java test runs in float64, rtol 1e-10, atol 1e-12).
"""

import json
import os
from collections import OrderedDict

import torch
import torch.nn.functional as F

from make_baselines_golden import LEAKY_SLOPE, ce, dist_parts, dkd_parts, enc, kendall, kl, ntkl

SEED = 20261127
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "resources", "golden",
                   "segmentation_baselines_golden.json")
GEN = torch.Generator().manual_seed(SEED)
B, K, H, W, D, h, w = 2, 5, 4, 4, 6, 2, 2


def randn(*shape, scale=1.0, shift=0.0):
    """Float32 values (the fixture stores float32), as float64."""
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale + shift).double()


def make_labels():
    y = torch.randint(0, K, (B, H, W), generator=GEN)
    void = torch.rand(B, H, W, generator=GEN) < 0.25
    return torch.where(void, torch.full_like(y, -1), y)


def rows(z, valid):
    return z.permute(0, 2, 3, 1).reshape(-1, z.shape[1])[valid.reshape(-1)]


def terms_of(case, x, y):
    zs, zt, fs, ft = x["studentLogits"], x["teacherLogits"], x["studentMap"], x["teacherMap"]
    valid = y >= 0
    task = F.cross_entropy(zs, y, ignore_index=-1)
    out = OrderedDict()
    method = case["method"]
    if method == "kd":
        t, a = case["temperature"], case["alpha"]
        per = F.kl_div(F.log_softmax(zs / t, 1), F.softmax(zt.detach() / t, 1), reduction="none").sum(1)
        out["task"] = (1 - a, task)
        out["kd"] = (a, per[valid].mean() * t * t)
    elif method == "dkd":
        warm = min((case["epoch"] + 1) / 20, 1.0)
        tckd, nckd = dkd_parts(rows(zs, valid), rows(zt, valid), y[valid], case["temperature"])
        out["task"] = (1.0, task)
        out["tckd"] = (warm * case["alpha"], tckd)
        out["nckd"] = (warm * case["beta"], nckd)
    elif method == "dist":
        inter, intra = dist_parts(rows(zs, valid), rows(zt, valid), case["temperature"])
        out["task"] = (1.0, task)
        out["inter"] = (case["beta"], inter)
        out["intra"] = (case["gamma"], intra)
    elif method == "c2kd":
        factor = H // h

        def proxy(f, prefix):
            z = F.conv2d(f, x[prefix + "_01Conv2d_weight"])
            z = F.batch_norm(z, None, None, x[prefix + "_02BatchNorm_gamma"], x[prefix + "_02BatchNorm_beta"],
                             training=True, eps=1e-5)
            return F.conv2d(F.leaky_relu(z, LEAKY_SLOPE), x[prefix + "_04Conv2d_weight"], x[prefix + "_04Conv2d_bias"])

        def up(z):
            return z.repeat_interleave(factor, 2).repeat_interleave(factor, 3)

        qs_map, qt_map = proxy(fs, "01studentProxy"), proxy(ft, "02teacherProxy")
        all_rows = torch.ones(B, h, w, dtype=torch.bool)
        tau = kendall(rows(qt_map, all_rows), rows(qs_map, all_rows))
        selected = (tau > 0).double().reshape(B, 1, h, w)
        case["selectedPositions"] = int(selected.sum())
        mask = rows(up(selected), valid)[:, 0]
        qs, qt, ys = rows(up(qs_map), valid), rows(up(qt_map), valid), y[valid]
        for prefix, z, q, other in (("", zs, qs, qt), ("teacher.", zt, qt, qs)):
            out[prefix + "task"] = (1.0, ce(rows(z, valid), ys))
            out[prefix + "proxy"] = (1.0, kl(rows(z, valid), q, 1.0))
            out[prefix + "fromProxy"] = (1.0, kl(q, rows(z, valid), 1.0))
            out[prefix + "crossProxy"] = (1.0, ntkl(q, other, ys, mask))
    elif method == "fitnet":
        out["task"] = (1.0, task)
        out["hint"] = (1.0, F.mse_loss(F.conv2d(fs, x["regressorWeight"], x["regressorBias"]), ft.detach()))
    else:
        raise ValueError(method)
    return out


CASES = [
    {"method": "kd", "temperature": 4.0, "alpha": 0.5},
    {"method": "dkd", "temperature": 4.0, "alpha": 1.0, "beta": 8.0, "epoch": 4},
    {"method": "dkd", "temperature": 4.0, "alpha": 1.0, "beta": 8.0, "epoch": 30},
    {"method": "dist", "temperature": 1.0, "beta": 1.0, "gamma": 1.0},
    {"method": "fitnet"},
    {"method": "c2kd"},
]


def c2kd_parameters():
    p = OrderedDict()
    for prefix in ("01studentProxy", "02teacherProxy"):
        p[prefix + "_01Conv2d_weight"] = randn(D, D, 1, 1, scale=0.5)
        p[prefix + "_02BatchNorm_gamma"] = randn(D, scale=0.2, shift=1.0)
        p[prefix + "_02BatchNorm_beta"] = randn(D, scale=0.2)
        p[prefix + "_04Conv2d_weight"] = randn(K, D, 1, 1, scale=0.7)
        p[prefix + "_04Conv2d_bias"] = randn(K, scale=0.1)
    return p


def main():
    cases = []
    for case in CASES:
        leaves = OrderedDict(studentLogits=randn(B, K, H, W, scale=2), teacherLogits=randn(B, K, H, W, scale=2),
                             studentMap=randn(B, D, h, w), teacherMap=randn(B, D, h, w),
                             regressorWeight=randn(D, D, 1, 1, scale=0.4), regressorBias=randn(D, scale=0.1))
        parameters = c2kd_parameters() if case["method"] == "c2kd" else OrderedDict()
        leaves.update(parameters)
        y = make_labels()
        x = OrderedDict((k, v.clone().requires_grad_(True)) for k, v in leaves.items())
        terms = terms_of(case, x, y)
        total = sum(wt * v for wt, v in terms.values())
        total.backward()
        record = dict(case)
        record.update({k: enc(v, "float32") for k, v in leaves.items() if k not in parameters})
        if parameters:
            record["parameters"] = {k: enc(v, "float32") for k, v in parameters.items()}
        record["labels"] = y.reshape(-1).tolist()
        record["labelShape"] = list(y.shape)
        record["terms"] = {k: float(v) for k, (_, v) in terms.items()}
        record["weights"] = {k: float(wt) for k, (wt, _) in terms.items()}
        record["total"] = float(total)
        grads = ["studentLogits", "studentMap"] + {"fitnet": ["regressorWeight", "regressorBias"],
                                                   "c2kd": ["teacherLogits", "teacherMap"]}.get(case["method"], [])
        # a leaf the method does not read (the map, for the logit methods) has gradient 0
        record["gradients"] = {k: enc(x[k].grad if x[k].grad is not None else torch.zeros_like(x[k]), "float64")
                               for k in grads}
        cases.append(record)
    meta = {"generator": "lib/src/test/python/make_segmentation_baselines_golden.py", "seed": SEED,
            "torch": torch.__version__, "rtol": 1e-10, "atol": 1e-12}
    with open(OUT, "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(OUT), len(cases), "cases")


if __name__ == "__main__":
    main()
