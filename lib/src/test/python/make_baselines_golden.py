#!/usr/bin/python3
"""Golden values for the kit's baseline methods, from an independent PyTorch implementation.

Run with Debian's interpreter (it has torch, numpy and scipy):

    /usr/bin/python3 lib/src/test/python/make_baselines_golden.py

It writes lib/src/test/resources/golden/baselines_golden.json, read by
dev.cmkd.golden.BaselineGoldenTest. The math follows method.md section 7 and the papers' released code
(mdistiller's KD / FitNet / DKD, DIST's relation losses, C2KD's train_network_distill and ntkl), written here
from the formulas with torch.nn.functional and torch.autograd:

  * kd          (1 - a) CE + a T^2 KL(p_t || p_s)                       F.kl_div, batchmean
  * feature-mse CE + lambda mean((f_s - f_t)^2)                         F.mse_loss
  * fitnet-pooled CE + lambda mean((W f_s + b - f_t)^2)                 F.linear, F.mse_loss
  * fitnet      CE + lambda mean((r(e_s) - e_t)^2) on the hint stage's maps, r = ReLU(BN(conv3x3,pad 1(
                resize(e_s)))), resize = F.interpolate(bilinear, align_corners=True) to the teacher's size, as
                C2KD's Fit / ConvReg (BatchNorm with batch statistics, eps 1e-5)
  * dkd         CE + w (alpha TCKD + beta NCKD), non-target classes removed by gathering (no -1000 mask)
  * dist        CE + beta tau^2 inter + gamma tau^2 intra, Pearson as in DIST's code (eps 1e-8)
  * c2kd        both networks' CE + proxy KLs + Kendall-selected non-target KL; proxies
                Linear(no bias) - BatchNorm (batch statistics, eps 1e-5) - LeakyReLU(0.1) - Linear, on the pooled
                feature (c2kd-pooled) or on the penultimate stage's map, averaged over its positions (c2kd);
                Kendall's tau-b from scipy.stats.kendalltau, as the released code computes it.

Conventions (as make_golden.py): inputs are float32-representable and stored as float32; expected values
are float64; the same functions are evaluated in float32 here and the worst float32 error, in units of the
float32 tolerance, is recorded in meta.float32SelfCheck. Arrays are {"shape", "dtype", "b64"} little-endian.
Gradients are of the weighted total w.r.t. the student's logits and feature, the method's parameters and, for
C2KD (whose teacher is co-trained), the teacher's logits and feature; otherwise the teacher gets none.
"""

import base64
import json
import os
from collections import OrderedDict

import numpy as np
import scipy
import torch
import torch.nn.functional as F
from scipy.stats import kendalltau

SEED = 20260106
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "resources", "golden",
                   "baselines_golden.json")
TOL = {"float32": {"rtol": 1e-5, "atol": 1e-6}, "float64": {"rtol": 1e-10, "atol": 1e-12}}
GEN = torch.Generator().manual_seed(SEED)
F32_WORST = {"ratio": 0.0, "where": None}
INPUTS = OrderedDict()


def enc(t, dtype):
    a = t.detach().cpu().numpy() if torch.is_tensor(t) else np.asarray(t)
    a = np.ascontiguousarray(a.astype("<f4" if dtype == "float32" else "<f8"))
    return {"shape": list(a.shape), "dtype": dtype, "b64": base64.b64encode(a.tobytes()).decode("ascii")}


def put_input(key, t):
    assert torch.equal(t.double(), t.float().double()), "input is not float32-representable"
    INPUTS[key] = enc(t, "float32")
    return key


def randn(*shape, scale=1.0, shift=0.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale + shift).double()


def f32_check(where, ref, val):
    tol = TOL["float32"]["atol"] + TOL["float32"]["rtol"] * ref.detach().abs()
    ratio = float(((val.detach().double() - ref.detach()).abs() / tol).max())
    if ratio > F32_WORST["ratio"]:
        F32_WORST.update(ratio=ratio, where=where)


# ----------------------------------------------------------------------------------------------------
# Losses, from the formulas
# ----------------------------------------------------------------------------------------------------

def ce(z, y):
    return F.cross_entropy(z, y)


def kl(teacher_logits, student_logits, t):
    """Mean over the batch of KL(softmax(zt/T) || softmax(zs/T)); the teacher detached."""
    return F.kl_div(F.log_softmax(student_logits / t, 1), F.softmax(teacher_logits.detach() / t, 1),
                    reduction="batchmean")


def without_target(z, y):
    """The non-target logits, [B, C-1], gathered (the target column removed)."""
    b, c = z.shape
    keep = torch.ones(b, c, dtype=torch.bool)
    keep[torch.arange(b), y] = False
    return z[keep].reshape(b, c - 1)


def dkd_parts(zs, zt, y, t):
    zt = zt.detach()
    ps, pt = F.softmax(zs / t, 1), F.softmax(zt / t, 1)
    gs, gt = ps.gather(1, y[:, None])[:, 0], pt.gather(1, y[:, None])[:, 0]
    bs = torch.stack([gs, 1 - gs], 1)
    bt = torch.stack([gt, 1 - gt], 1)
    tckd = (bt * (bt.log() - bs.log())).sum(1).mean() * t * t
    ns, nt = without_target(zs / t, y), without_target(zt / t, y)
    nckd = F.kl_div(F.log_softmax(ns, 1), F.softmax(nt, 1), reduction="batchmean") * t * t
    return tckd, nckd


def pearson_rows(a, b, eps=1e-8):
    a = a - a.mean(1, keepdim=True)
    b = b - b.mean(1, keepdim=True)
    return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1) + eps)


def dist_parts(zs, zt, tau):
    ys, yt = F.softmax(zs / tau, 1), F.softmax(zt.detach() / tau, 1)
    inter = tau ** 2 * (1 - pearson_rows(ys, yt).mean())
    intra = tau ** 2 * (1 - pearson_rows(ys.t(), yt.t()).mean())
    return inter, intra


# C2KD's LeakyReLU slope 0.1, as DJL's Activation.leakyRelu(float) carries it: float32 0.1 = 0.100000001490116.
LEAKY_SLOPE = float(np.float32(0.1))
# BatchNorm's epsilon 1e-5, as DJL's BatchNorm carries it (a float): it shows at float64 precision when a batch's
# variance is small (pooled post-ReLU maps).
BN_EPS = float(np.float32(1e-5))


def proxy(f, p):
    h = F.linear(f, p["hidden"])
    h = F.batch_norm(h, None, None, p["gamma"], p["beta"], training=True, eps=BN_EPS)
    return F.linear(F.leaky_relu(h, LEAKY_SLOPE), p["out"], p["outBias"])


def kendall(a, b):
    return torch.tensor([kendalltau(a[i].detach().numpy(), b[i].detach().numpy())[0] for i in range(a.shape[0])],
                        dtype=torch.float64)


def ntkl(student, teacher, y, mask):
    """C2KD's ntkl: the target logit multiplied by 0 in both, per-sample KL sum, masked, mean over the batch."""
    keep = torch.ones_like(student)
    keep[torch.arange(student.shape[0]), y] = 0
    per = F.kl_div(F.log_softmax(student * keep, 1), F.softmax(teacher.detach() * keep, 1),
                   reduction="none").sum(1)
    return (mask * per).mean()


# ----------------------------------------------------------------------------------------------------
# Methods: (terms, weights) from leaves
# ----------------------------------------------------------------------------------------------------

def method_terms(method, cfg, x, y):
    zs, zt, fs, ft = x["studentLogits"], x["teacherLogits"], x["studentFeature"], x["teacherFeature"]
    terms, weights = OrderedDict(), OrderedDict()

    def add(name, w, v):
        terms[name] = v
        weights[name] = w

    if method == "kd":
        add("task", 1 - cfg["alpha"], ce(zs, y))
        add("kd", cfg["alpha"], kl(zt, zs, cfg["temperature"]) * cfg["temperature"] ** 2)
    elif method == "feature-mse":
        add("task", 1.0, ce(zs, y))
        add("feature", cfg["weight"], F.mse_loss(fs, ft.detach()))
    elif method == "fitnet-pooled":
        add("task", 1.0, ce(zs, y))
        add("hint", cfg["hintWeight"], F.mse_loss(F.linear(fs, x["01regressor_weight"], x["01regressor_bias"]),
                                                  ft.detach()))
    elif method == "fitnet":
        teacher_map = x["teacherStage1"].detach()
        resized = F.interpolate(x["studentStage1"], size=tuple(teacher_map.shape[2:]), mode="bilinear",
                                align_corners=True)
        h = F.conv2d(resized, x["01regressor_01Conv2d_weight"], x["01regressor_01Conv2d_bias"], padding=1)
        h = F.batch_norm(h, None, None, x["01regressor_02BatchNorm_gamma"], x["01regressor_02BatchNorm_beta"],
                         training=True, eps=BN_EPS)
        add("task", 1.0, ce(zs, y))
        add("hint", cfg["hintWeight"], F.mse_loss(F.relu(h), teacher_map))
    elif method == "dkd":
        warm = 1.0 if cfg["warmupEpochs"] == 0 else min((cfg["epoch"] + 1) / cfg["warmupEpochs"], 1.0)
        tckd, nckd = dkd_parts(zs, zt, y, cfg["temperature"])
        add("task", 1.0, ce(zs, y))
        add("tckd", warm * cfg["alpha"], tckd)
        add("nckd", warm * cfg["beta"], nckd)
    elif method == "dist":
        inter, intra = dist_parts(zs, zt, cfg["temperature"])
        add("task", 1.0, ce(zs, y))
        add("inter", cfg["beta"], inter)
        add("intra", cfg["gamma"], intra)
    elif method == "c2kd":
        def params(prefix):
            return {"hidden": x[prefix + "_01Linear_weight"], "gamma": x[prefix + "_02BatchNorm_gamma"],
                    "beta": x[prefix + "_02BatchNorm_beta"], "out": x[prefix + "_04Linear_weight"],
                    "outBias": x[prefix + "_04Linear_bias"]}
        if cfg.get("stageProxies"):  # C2KD's code: the proxies pool the penultimate stage's (layer3's) map
            fs = F.adaptive_avg_pool2d(x["studentStage1"], 1).flatten(1)  # its nn.AdaptiveAvgPool2d((1, 1))
            ft = F.adaptive_avg_pool2d(x["teacherStage1"], 1).flatten(1)
        qs, qt = proxy(fs, params("01studentProxy")), proxy(ft, params("02teacherProxy"))
        mask = (kendall(qt, qs) > cfg["kappa"]).to(qs.dtype)
        for prefix, z, q, other in (("", zs, qs, qt), ("teacher.", zt, qt, qs)):
            add(prefix + "task", 1.0, ce(z, y))
            add(prefix + "proxy", 1.0, kl(z, q, 1.0))
            add(prefix + "fromProxy", 1.0, kl(q, z, 1.0))
            add(prefix + "crossProxy", 1.0, ntkl(q, other, y, mask))
        terms["_selected"] = mask
    else:
        raise ValueError(method)
    return terms, weights


GRAD_LEAVES = ["studentLogits", "studentFeature", "teacherLogits", "teacherFeature"]


def evaluate(method, cfg, leaves0, y, dtype, co_trained):
    x = OrderedDict((k, v.to(dtype).clone().requires_grad_(True)) for k, v in leaves0.items())
    terms, weights = method_terms(method, cfg, x, y)
    selected = terms.pop("_selected", None)
    total = sum(weights[k] * v for k, v in terms.items())
    names = list(x.keys())
    grads = torch.autograd.grad(total, [x[n] for n in names], allow_unused=True)
    out = OrderedDict(("term/" + k, v.detach()) for k, v in terms.items())
    out["term/total"] = total.detach()
    for n, g in zip(names, grads):
        if n.startswith("teacher") and not co_trained:
            assert g is None or float(g.abs().max()) == 0.0, "the frozen teacher received a gradient"
            continue
        if g is not None:  # None: a student output the method does not use (the Java test expects no gradient)
            out["grad/" + n] = g
    return out, weights, selected


# ----------------------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------------------

def make_inputs(tag, batch, classes, dim):
    leaves = OrderedDict(
        studentLogits=randn(batch, classes, scale=1.5),
        teacherLogits=randn(batch, classes, scale=3.0, shift=0.5),
        studentFeature=randn(batch, dim, scale=0.8, shift=0.1),
        teacherFeature=randn(batch, dim, scale=1.5, shift=-0.2))
    labels = torch.randint(0, classes, (batch,), generator=GEN)
    return leaves, labels


def c2kd_parameters(dim, classes):
    p = OrderedDict()
    for prefix in ("01studentProxy", "02teacherProxy"):
        p[prefix + "_01Linear_weight"] = randn(dim, dim, scale=0.5)
        p[prefix + "_02BatchNorm_gamma"] = randn(dim, scale=0.2, shift=1.0)
        p[prefix + "_02BatchNorm_beta"] = randn(dim, scale=0.2)
        p[prefix + "_04Linear_weight"] = randn(classes, dim, scale=0.7)
        p[prefix + "_04Linear_bias"] = randn(classes, scale=0.1)
    return p


PLAN = [
    # (method, config, [(batch, classes, dim), ...])
    ("kd", OrderedDict(temperature=4.0, alpha=0.5), [(3, 5, 6), (8, 10, 6)]),
    ("kd", OrderedDict(temperature=1.0, alpha=0.3), [(8, 10, 6)]),
    ("feature-mse", OrderedDict(weight=1.0), [(3, 5, 6), (8, 10, 6)]),
    ("fitnet-pooled", OrderedDict(hintWeight=1.0), [(3, 5, 6), (8, 10, 6)]),
    ("fitnet-pooled", OrderedDict(hintWeight=100.0), [(8, 10, 6)]),
    ("dkd", OrderedDict(alpha=1.0, beta=8.0, temperature=4.0, warmupEpochs=20, epoch=4), [(3, 5, 6), (8, 10, 6)]),
    ("dkd", OrderedDict(alpha=1.0, beta=8.0, temperature=4.0, warmupEpochs=20, epoch=30), [(8, 10, 6)]),
    ("dkd", OrderedDict(alpha=0.5, beta=2.0, temperature=1.0, warmupEpochs=0, epoch=0), [(8, 10, 6)]),
    ("dist", OrderedDict(beta=1.0, gamma=1.0, temperature=1.0), [(3, 5, 6), (8, 10, 6)]),
    ("dist", OrderedDict(beta=2.0, gamma=2.0, temperature=4.0), [(8, 10, 6)]),
    ("c2kd", OrderedDict(kappa=0.0), [(6, 5, 6), (16, 10, 6)]),
    ("c2kd", OrderedDict(kappa=0.3), [(16, 10, 6)]),
]


# FitNet on maps: (config, batch, classes, channels, student map size, teacher map size); drawn after every other
# case, so that adding them left the earlier cases' inputs as they were. The sizes: equal; larger in one direction
# and smaller in the other (an audio map against an image map); smaller in both.
# The weights stay small: the conv bias before BatchNorm has a gradient of exactly 0, whose float32 rounding noise
# grows with the weight (about 1e-6 at weight 100, the float32 tolerance).
HINT_PLAN = [
    (OrderedDict(hintStage=1, hintWeight=10.0), 4, 5, 3, (5, 6), (5, 6)),
    (OrderedDict(hintStage=1, hintWeight=10.0), 4, 5, 3, (6, 9), (4, 11)),
    (OrderedDict(hintStage=1, hintWeight=1.0), 3, 4, 2, (3, 4), (5, 7)),
]


# C2KD with its proxies on the penultimate stage's map (C2KD's code: layer3), drawn after the FitNet cases. The
# networks' maps may differ in size (each proxy pools its own network's map).
STAGE_PROXY_PLAN = [
    (OrderedDict(kappa=0.0, stageProxies=True), 6, 5, 3, (4, 5), (3, 7)),
    (OrderedDict(kappa=0.0, stageProxies=True), 16, 10, 4, (2, 3), (2, 3)),
]


def method_cases(plan=None):
    cases = []
    for method, cfg, shapes in plan or [(m, c, [(b, k, d, None, None) for b, k, d in s]) for m, c, s in PLAN]:
        for batch, classes, dim, student_size, teacher_size in shapes:
            name = "%s %s B=%d C=%d" % (method, " ".join("%s=%s" % kv for kv in cfg.items()), batch, classes)
            if student_size:
                name += " %dx%d->%dx%d" % (student_size + teacher_size)
            leaves, labels = make_inputs(name, batch, classes, dim)
            if method == "fitnet-pooled":
                leaves["01regressor_weight"] = randn(dim, dim, scale=0.4)
                leaves["01regressor_bias"] = randn(dim, scale=0.1)
            if method == "c2kd" and cfg.get("stageProxies"):
                # the penultimate stage (read by the proxies, dim channels) and the last (read by nothing)
                leaves["studentStage1"] = randn(batch, dim, *student_size, scale=0.8, shift=0.3).relu()
                leaves["studentStage2"] = randn(batch, 2 * dim, 1, 1).relu()
                leaves["teacherStage1"] = randn(batch, dim, *teacher_size, scale=1.2, shift=0.2).relu()
                leaves["teacherStage2"] = randn(batch, 2 * dim, 1, 1).relu()
            if method == "c2kd":
                leaves.update(c2kd_parameters(dim, classes))
            if method == "fitnet":
                leaves["studentStage1"] = randn(batch, dim, *student_size, scale=0.8, shift=0.3).relu()
                leaves["teacherStage1"] = randn(batch, dim, *teacher_size, scale=1.2, shift=0.2).relu()
                leaves["01regressor_01Conv2d_weight"] = randn(dim, dim, 3, 3, scale=0.4)
                leaves["01regressor_01Conv2d_bias"] = randn(dim, scale=0.1)
                leaves["01regressor_02BatchNorm_gamma"] = randn(dim, scale=0.2, shift=1.0)
                leaves["01regressor_02BatchNorm_beta"] = randn(dim, scale=0.2)
            keys = OrderedDict((k, put_input("%s/%s" % (name, k), v)) for k, v in leaves.items())
            co_trained = method == "c2kd"
            ref, weights, selected = evaluate(method, cfg, leaves, labels, torch.float64, co_trained)
            val, _, selected32 = evaluate(method, cfg, leaves, labels, torch.float32, co_trained)
            for k in ref:
                f32_check(name + " " + k, ref[k], val[k])
            case = OrderedDict(name=name, method=method, config=cfg, batch=batch, classes=classes, featureDim=dim,
                               inputs=keys, labels=[int(v) for v in labels],
                               terms=OrderedDict((k[5:], float(v)) for k, v in ref.items() if k.startswith("term/")),
                               weights=weights,
                               grads=OrderedDict((k[5:], enc(v, "float64")) for k, v in ref.items()
                                                 if k.startswith("grad/")))
            if selected is not None:
                assert torch.equal(selected, selected32.double()), name + ": float32 selects other samples"
                assert 0 < float(selected.sum()) < batch, name + ": choose inputs that select some samples only"
            cases.append(case)
            print("%-70s %s" % (name, ", ".join("%s=%.6g" % (k, v) for k, v in case["terms"].items())))
    return cases


def kendall_cases():
    """Kendall's tau-b of rows with and without ties (the rows are never constant)."""
    a = torch.tensor([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1], [1, 1, 2, 2, 3], [3, 1, 4, 1, 5], [0.5, -1, 2, 7, 3]],
                     dtype=torch.float64)
    b = torch.tensor([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 2, 3, 3], [2, 7, 1, 8, 2], [0.125, 0.25, -3, 4, 4]],
                     dtype=torch.float64)
    random_a, random_b = randn(6, 10), randn(6, 10)
    cases = []
    for name, x, z in (("hand-picked, with ties", a, b), ("random 6x10", random_a, random_b)):
        cases.append(OrderedDict(name=name, a=put_input("kendall/%s/a" % name, x),
                                 b=put_input("kendall/%s/b" % name, z), tau=enc(kendall(x, z), "float64")))
    return cases


def main():
    cases = method_cases()
    kendalls = kendall_cases()
    cases += method_cases([("fitnet", cfg, [(batch, classes, channels, student, teacher)])
                           for cfg, batch, classes, channels, student, teacher in HINT_PLAN])
    cases += method_cases([("c2kd", cfg, [(batch, classes, channels, student, teacher)])
                           for cfg, batch, classes, channels, student, teacher in STAGE_PROXY_PLAN])
    fixture = OrderedDict(
        meta=OrderedDict(
            generator="lib/src/test/python/make_baselines_golden.py", torch=torch.__version__,
            numpy=np.__version__, scipy=scipy.__version__, seed=SEED, tolerances=TOL,
            float32SelfCheck=OrderedDict(
                note="torch float32 evaluation of every expected value vs the float64 reference, in units of the"
                     " float32 tolerance", worstRatio=F32_WORST["ratio"], worstAt=F32_WORST["where"])),
        inputs=INPUTS, methodCases=cases, kendallCases=kendalls)
    with open(OUT, "w") as fh:
        json.dump(fixture, fh, indent=1)
        fh.write("\n")
    print("float32 self-check: worst %.3g x tolerance at %s" % (F32_WORST["ratio"], F32_WORST["where"]))
    print("wrote %s (%d method cases, %d Kendall cases)" % (os.path.normpath(OUT), len(cases), len(kendalls)))


if __name__ == "__main__":
    main()
