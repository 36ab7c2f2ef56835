#!/usr/bin/python3
"""Golden values for the dev.cmkd library, from an independent PyTorch implementation.

Run with Debian's interpreter (it has torch and numpy):

    /usr/bin/python3 lib/src/test/python/make_golden.py

It writes lib/src/test/resources/golden/fdcmkd_golden.json, read by
dev.cmkd.golden.GoldenValueTest. The math below follows the method notes (method.md, sections 2.3 to 2.7)
and the Javadoc semantics of the library, but is written from scratch with torch.fft.rfft / irfft (1-D
channel split, half-spectrum masks), torch.fft.fft2 / ifft2 (2-D spatial split, full-spectrum radial
masks decided with exact rational arithmetic), torch.nn.functional and torch.autograd.

Conventions of the fixture:
  * every input is float32-representable (drawn in float32, widened exactly to float64), so the same
    inputs feed the Java float32 run and the Java float64 run;
  * every expected value is computed in float64 and stored as float64; the Java test compares its float32
    run with a float32 tolerance and its float64 run with a float64 tolerance against these values;
  * the same functions are also evaluated in float32 here, and the largest float32 error (in units of the
    float32 tolerance) is reported, to show that the float32 tolerance is achievable by a float32 engine;
  * arrays are {"shape": [...], "dtype": "float32"|"float64", "b64": base64 of little-endian bytes};
    scalars are JSON numbers (repr, exact round trip); labels are JSON integers.
"""

import base64
import json
import math
import os
import sys
from collections import OrderedDict
from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20251124
BATCH = 4
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "resources", "golden",
                   "fdcmkd_golden.json")

# The tolerances the Java test uses (allclose style: |java - ref| <= atol + rtol * |ref|).
TOL = {"float32": {"rtol": 1e-5, "atol": 1e-6}, "float64": {"rtol": 1e-10, "atol": 1e-12}}

STANDARDIZE_EPS = 1e-8  # the released code's norm floor (F.normalize eps)
VARIANCE_EPS = 1e-8  # MomentMatchingLoss's variance floor

torch.manual_seed(SEED)
GEN = torch.Generator().manual_seed(SEED)


# ----------------------------------------------------------------------------------------------------
# Encoding
# ----------------------------------------------------------------------------------------------------

def enc(t, dtype):
    """Encodes a tensor (or array) as float32 or float64 little-endian base64."""
    a = t.detach().cpu().numpy() if torch.is_tensor(t) else np.asarray(t)
    a = np.ascontiguousarray(a.astype("<f4" if dtype == "float32" else "<f8"))
    return {"shape": list(a.shape), "dtype": dtype, "b64": base64.b64encode(a.tobytes()).decode("ascii")}


def enc_in(t):
    """An input: float32-representable by construction; stored as float32."""
    assert torch.equal(t.double(), t.float().double()), "input is not float32-representable"
    return enc(t, "float32")


def enc_out(t):
    """An expected value: float64."""
    assert t.dtype == torch.float64
    return enc(t, "float64")


def scalar(t):
    assert t.dtype == torch.float64 and t.numel() == 1
    return float(t.item())


def randn(*shape, scale=1.0, shift=0.0):
    """float32 normal draws widened to float64 (exactly representable in float32 after scale/shift)."""
    x = torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale + shift
    return x.double()


# ----------------------------------------------------------------------------------------------------
# Float32 self-check bookkeeping
# ----------------------------------------------------------------------------------------------------

F32_WORST = {"ratio": 0.0, "where": None, "absdiff": 0.0}


def f32_check(where, ref64, val32):
    """Records how close a float32 torch evaluation is to the float64 reference, in tolerance units."""
    ref = ref64.detach().double()
    val = val32.detach().double()
    tol = TOL["float32"]["atol"] + TOL["float32"]["rtol"] * ref.abs()
    diff = (val - ref).abs()
    ratio = float((diff / tol).max())
    if ratio > F32_WORST["ratio"]:
        F32_WORST.update(ratio=ratio, where=where, absdiff=float(diff.max()))


def both(fn, where, *args):
    """Evaluates fn in float64 (returned) and in float32 (checked against the float64 result)."""
    ref = fn(*args)
    args32 = [a.float() if torch.is_tensor(a) and a.is_floating_point() else a for a in args]
    val = fn(*args32)
    if isinstance(ref, dict):
        for k in ref:
            f32_check(where + "/" + k, ref[k], val[k])
    else:
        f32_check(where, ref, val)
    return ref


# ----------------------------------------------------------------------------------------------------
# Frequency splits
# ----------------------------------------------------------------------------------------------------

def low_count(n, r):
    """L = round(r * floor(n/2)); the generator avoids exact ties so the rounding rule does not matter."""
    x = r * (n // 2)
    assert abs(x - math.floor(x) - 0.5) > 1e-9, "cutoff lands on a rounding tie"
    return int(round(x))


def split_channels(x, r, dc_mode):
    """1-D split along the last axis with rfft/irfft and half-spectrum masks."""
    n = x.shape[-1]
    spec = torch.fft.rfft(x, dim=-1)  # bins 0 .. floor(n/2)
    k = torch.arange(spec.shape[-1])
    cut = low_count(n, r)
    dc = k == 0
    low = (k >= 1) & (k <= cut)
    high = k > cut
    if dc_mode == "IN_LOW":
        low = low | dc

    def band(mask):
        return torch.fft.irfft(spec * mask.to(x.dtype), n=n, dim=-1)

    out = OrderedDict(low=band(low), high=band(high))
    if dc_mode == "SEPARATE":
        out["dc"] = band(dc)
    return out


def spatial_labels(h, w, r):
    """Band of each full-spectrum bin (ky, kx): 'dc', 'low' or 'high', decided exactly with fractions."""
    hy, hx = h // 2, w // 2
    r2 = Fraction(repr(r)) ** 2
    labels = []
    for ky in range(h):
        row = []
        for kx in range(w):
            fy, fx = min(ky, h - ky), min(kx, w - kx)
            if fy == 0 and fx == 0:
                row.append("dc")
                continue
            rho2 = (Fraction(fy, hy) ** 2 if hy else 0) + (Fraction(fx, hx) ** 2 if hx else 0)
            row.append("low" if rho2 <= r2 else "high")
        labels.append(row)
    return labels


def split_spatial(x, r, dc_mode):
    """2-D split over the last two axes with fft2/ifft2 and a radial full-spectrum mask."""
    h, w = x.shape[-2], x.shape[-1]
    labels = spatial_labels(h, w, r)

    def mask_of(names):
        return torch.tensor([[1.0 if lab in names else 0.0 for lab in row] for row in labels], dtype=x.dtype)

    spec = torch.fft.fft2(x, dim=(-2, -1))
    low_names = {"low", "dc"} if dc_mode == "IN_LOW" else {"low"}

    def band(names):
        out = torch.fft.ifft2(spec * mask_of(names), dim=(-2, -1))
        scale = max(1.0, float(out.real.abs().max()))
        assert float(out.imag.abs().max()) <= 1e-5 * scale, "band is not real: mask not symmetric"
        return out.real.contiguous()

    out = OrderedDict(low=band(low_names), high=band({"high"}))
    if dc_mode == "SEPARATE":
        out["dc"] = band({"dc"})
    return out


# ----------------------------------------------------------------------------------------------------
# Losses
# ----------------------------------------------------------------------------------------------------

def flat(x):
    return x.reshape(x.shape[0], -1)


def centre(x):
    rows = flat(x)
    return (rows - rows.mean(dim=1, keepdim=True)).reshape(x.shape)


def standardize(x, eps=STANDARDIZE_EPS):
    c = flat(centre(x))
    norm = torch.linalg.vector_norm(c, ord=2, dim=1, keepdim=True).clamp(min=eps)
    return (c / norm).reshape(x.shape)


def signed_log(x):
    return torch.sign(x) * torch.log1p(torch.abs(x))


def mse(a, b, reduction):
    if reduction == "MEAN":
        return F.mse_loss(a, b, reduction="mean")
    return flat((a - b) ** 2).sum(dim=1).mean()


def cross_entropy(logits, labels):
    return F.cross_entropy(logits, labels, reduction="mean")


def band_loss(s, t, standardize_on, log_on, reduction):
    t = t.detach()

    def g(x):
        x = standardize(x) if standardize_on else x
        return signed_log(x) if log_on else x

    return mse(g(s), g(t), reduction)


def moment_matching(s, t):
    t = t.detach()

    def moments(x):
        rows = flat(x)
        mu = rows.mean(dim=1)
        sigma = torch.sqrt(rows.var(dim=1, unbiased=False) + VARIANCE_EPS)
        return mu, sigma

    ms, ss = moments(s)
    mt, st = moments(t)
    return ((ms - mt) ** 2).mean() + ((ss - st) ** 2).mean()


def head(x, weight, bias):
    """ReLU then Linear: W relu(x) + b."""
    return F.linear(F.relu(x), weight, bias)


# ----------------------------------------------------------------------------------------------------
# FD-CMKD objective
# ----------------------------------------------------------------------------------------------------

DEFAULT_CFG = OrderedDict(
    cutoffRatio=0.5, dcMode="EXCLUDED", frequencySplit=True, scaleMode="PER_BAND", signedLog=True,
    sharedClassifier=True, reduction="MEAN", taskWeight=1.0, bandHeadWeight=1.0, lowWeight=1.0, highWeight=1.0,
    alignWeight=1.0, scaleWeight=0.0)


def head_names(cfg):
    """Names of the heads the objective uses, in the library's child naming."""
    names = []
    if cfg["bandHeadWeight"] != 0:
        names += ["psiLow", "psiHigh"] if cfg["frequencySplit"] else ["psi"]
    if cfg["sharedClassifier"] and cfg["alignWeight"] != 0:
        names += ["phiLow", "phiHigh"] if cfg["frequencySplit"] else ["phi"]
    return names


def fdcmkd(cfg, fs, ft, zs, y, heads):
    """Returns (terms, weights): the unweighted named terms and their weights."""
    ft = ft.detach()  # the frozen teacher
    terms, weights = OrderedDict(), OrderedDict()

    def add(name, weight, value):
        terms[name] = value
        weights[name] = weight

    add("task", cfg["taskWeight"], cross_entropy(zs, y))
    std_in_loss = cfg["scaleMode"] == "PER_BAND"
    if cfg["frequencySplit"]:
        def bands(x):
            return split_channels(x, cfg["cutoffRatio"], cfg["dcMode"])

        raw_s, raw_t = bands(fs), bands(ft)
        if cfg["scaleMode"] == "BEFORE_SPLIT":
            m_s, m_t = bands(standardize(fs)), bands(standardize(ft))
        else:
            m_s, m_t = raw_s, raw_t
        plan = [("Low", "low", False, cfg["lowWeight"]), ("High", "high", cfg["signedLog"], cfg["highWeight"])]
        for suffix, key, log_on, match_weight in plan:
            if "psi" + suffix in heads:
                add("psi" + suffix, cfg["bandHeadWeight"], cross_entropy(head(raw_s[key], *heads["psi" + suffix]), y))
            add(key, match_weight, band_loss(m_s[key], m_t[key], std_in_loss, log_on, cfg["reduction"]))
            if "phi" + suffix in heads:
                phi = heads["phi" + suffix]
                add("phi" + suffix, cfg["alignWeight"],
                    cross_entropy(head(raw_s[key], *phi), y) + cross_entropy(head(raw_t[key], *phi), y))
    else:
        m_s = standardize(fs) if cfg["scaleMode"] == "BEFORE_SPLIT" else fs
        m_t = standardize(ft) if cfg["scaleMode"] == "BEFORE_SPLIT" else ft
        if "psi" in heads:
            add("psi", cfg["bandHeadWeight"], cross_entropy(head(fs, *heads["psi"]), y))
        add("feature", cfg["lowWeight"], band_loss(m_s, m_t, std_in_loss, cfg["signedLog"], cfg["reduction"]))
        if "phi" in heads:
            add("phi", cfg["alignWeight"],
                cross_entropy(head(fs, *heads["phi"]), y) + cross_entropy(head(ft, *heads["phi"]), y))
    if cfg["scaleWeight"] != 0:
        add("scale", cfg["scaleWeight"], moment_matching(fs, ft))
    return terms, weights


def fdcmkd_with_grads(cfg, fs0, ft0, zs0, y, heads0, dtype):
    """Runs the objective in dtype; returns terms, total and gradients (weights and biases of used heads)."""
    fs = fs0.to(dtype).clone().requires_grad_(True)
    ft = ft0.to(dtype).clone().requires_grad_(True)  # must receive no gradient
    zs = zs0.to(dtype).clone().requires_grad_(True)
    names = head_names(cfg)
    heads = OrderedDict((n, tuple(p.to(dtype).clone().requires_grad_(True) for p in heads0[n])) for n in names)
    terms, weights = fdcmkd(cfg, fs, ft, zs, y, heads)
    total = sum(weights[k] * v for k, v in terms.items())
    leaves = [fs, zs] + [p for n in names for p in heads[n]]
    grads = torch.autograd.grad(total, leaves + [ft], allow_unused=True)
    assert grads[-1] is None or float(grads[-1].abs().max()) == 0.0, "teacher received a gradient"
    out = OrderedDict(("term/" + k, v.detach()) for k, v in terms.items())
    out["term/total"] = total.detach()
    out["grad/feature"] = grads[0]
    out["grad/logits"] = grads[1]
    i = 2
    for n in names:
        out["grad/" + n + "/weight"] = grads[i]
        out["grad/" + n + "/bias"] = grads[i + 1]
        i += 2
    return out, weights


# ----------------------------------------------------------------------------------------------------
# Case generation
# ----------------------------------------------------------------------------------------------------

INPUTS = OrderedDict()


def put_input(key, t):
    INPUTS[key] = enc_in(t)
    return key


def min_abs_margin(bands):
    return min(float(v.abs().min()) for v in bands.values())


def split_cases():
    cases = []
    channel_inputs = {9: randn(BATCH, 3, 9), 16: randn(BATCH, 2, 16, scale=2.0, shift=0.5),
                      512: randn(BATCH, 512, scale=1.5, shift=-0.25)}
    for n, x in channel_inputs.items():
        put_input("split/channels%d" % n, x)
    plan = []
    for n in (9, 16):
        for r in (0.25, 0.5, 0.75):
            for mode in ("EXCLUDED", "IN_LOW", "SEPARATE"):
                plan.append((n, r, mode))
    for r in (0.25, 0.5, 0.75):
        plan.append((512, r, "EXCLUDED"))
    plan += [(512, 0.5, "IN_LOW"), (512, 0.5, "SEPARATE")]
    for n, r, mode in plan:
        x = channel_inputs[n]
        bands = both(lambda v: split_channels(v, r, mode), "split", x)
        total = sum(bands.values())
        expect = x if mode != "EXCLUDED" else x - x.mean(dim=-1, keepdim=True)
        assert torch.allclose(total, expect, atol=1e-12), "bands do not add up"
        cases.append(OrderedDict(
            name="split/channels n=%d r=%s dc=%s" % (n, r, mode), kind="channels", n=n, cutoffRatio=r,
            dcMode=mode, input="split/channels%d" % n, lowBinCount=low_count(n, r),
            bands=OrderedDict((k, enc_out(v)) for k, v in bands.items())))

    spatial_inputs = {(4, 6): randn(BATCH, 3, 4, 6), (7, 7): randn(BATCH, 2, 7, 7, scale=0.7, shift=0.3),
                      (1, 8): randn(BATCH, 2, 1, 8)}
    for (h, w), x in spatial_inputs.items():
        put_input("split/spatial%dx%d" % (h, w), x)
    plan = [((4, 6), 0.5, "EXCLUDED"), ((4, 6), 0.8, "EXCLUDED"), ((4, 6), 0.5, "IN_LOW"), ((4, 6), 0.8, "SEPARATE"),
            ((7, 7), 0.5, "EXCLUDED"), ((7, 7), 0.75, "EXCLUDED"), ((7, 7), 0.75, "IN_LOW"),
            ((7, 7), 0.5, "SEPARATE"), ((1, 8), 0.5, "EXCLUDED")]
    for (h, w), r, mode in plan:
        x = spatial_inputs[(h, w)]
        bands = both(lambda v: split_spatial(v, r, mode), "split", x)
        total = sum(bands.values())
        expect = x if mode != "EXCLUDED" else x - x.mean(dim=(-2, -1), keepdim=True)
        assert torch.allclose(total, expect, atol=1e-12), "bands do not add up"
        labels = spatial_labels(h, w, r)
        counts = OrderedDict((b, sum(row.count(b) for row in labels)) for b in ("dc", "low", "high"))
        cases.append(OrderedDict(
            name="split/spatial %dx%d r=%s dc=%s" % (h, w, r, mode), kind="spatial", height=h, width=w,
            cutoffRatio=r, dcMode=mode, input="split/spatial%dx%d" % (h, w), naturalBinCounts=counts,
            bands=OrderedDict((k, enc_out(v)) for k, v in bands.items())))
    return cases


def loss_cases():
    cases = []
    shapes = OrderedDict([("d9", (BATCH, 9)), ("d16", (BATCH, 16)), ("d512", (BATCH, 512)),
                          ("map3x4x6", (BATCH, 3, 4, 6))])
    for tag, shape in shapes.items():
        s = randn(*shape, scale=0.8, shift=0.1)
        t = randn(*shape, scale=2.5, shift=1.0)  # "audio-like": larger mean and spread than the student
        put_input("loss/%s/student" % tag, s)
        put_input("loss/%s/teacher" % tag, t)
        values = OrderedDict()
        arrays = OrderedDict()
        arrays["centre"] = both(centre, "centre", s)
        arrays["standardize"] = both(standardize, "standardize", s)
        arrays["signedLog"] = both(signed_log, "signedLog", t)
        values["mseMean"] = both(lambda a, b: mse(a, b, "MEAN"), "mse", s, t)
        values["mseSum"] = both(lambda a, b: mse(a, b, "SUM"), "mse", s, t)
        band_losses = []
        for std_on in (True, False):
            for log_on in (False, True):
                for red in ("MEAN", "SUM"):
                    def fn(a, b, std_on=std_on, log_on=log_on, red=red):
                        a = a.clone().requires_grad_(True)
                        v = band_loss(a, b, std_on, log_on, red)
                        (g,) = torch.autograd.grad(v, [a])
                        return {"value": v.detach(), "gradStudent": g}
                    res = both(fn, "bandLoss", s, t)
                    band_losses.append(OrderedDict(standardize=std_on, signedLog=log_on, reduction=red,
                                                   value=scalar(res["value"]),
                                                   gradStudent=enc_out(res["gradStudent"])))

        def mm(a, b):
            a = a.clone().requires_grad_(True)
            v = moment_matching(a, b)
            (g,) = torch.autograd.grad(v, [a])
            return {"value": v.detach(), "gradStudent": g}

        res = both(mm, "moment", s, t)
        cases.append(OrderedDict(
            name="loss/%s" % tag, student="loss/%s/student" % tag, teacher="loss/%s/teacher" % tag,
            values=OrderedDict((k, scalar(v)) for k, v in values.items()),
            arrays=OrderedDict((k, enc_out(v)) for k, v in arrays.items()),
            bandLosses=band_losses,
            momentMatching=OrderedDict(value=scalar(res["value"]), gradStudent=enc_out(res["gradStudent"]))))

    # A constant row: its standardization is 0 (the norm floor), not NaN, and the gradient of a standardized
    # band loss there is finite (torch's norm has gradient 0 at 0; the floor takes over): large, 1/eps-scaled.
    const = torch.full((2, 6), 0.75, dtype=torch.float64)
    const[1] = randn(6)
    const_t = randn(2, 6)
    put_input("loss/constRow/student", const)
    put_input("loss/constRow/teacher", const_t)
    band_losses = []
    for log_on in (False, True):
        def fn(a, b, log_on=log_on):
            a = a.clone().requires_grad_(True)
            v = band_loss(a, b, True, log_on, "MEAN")
            (g,) = torch.autograd.grad(v, [a])
            return {"value": v.detach(), "gradStudent": g}
        res = both(fn, "bandLoss/constant", const, const_t)
        assert torch.isfinite(res["gradStudent"]).all()
        band_losses.append(OrderedDict(standardize=True, signedLog=log_on, reduction="MEAN",
                                       value=scalar(res["value"]), gradStudent=enc_out(res["gradStudent"])))
    cases.append(OrderedDict(name="loss/constant-row", student="loss/constRow/student",
                             teacher="loss/constRow/teacher", values=OrderedDict(),
                             arrays=OrderedDict(standardize=enc_out(standardize(const))),
                             bandLosses=band_losses, momentMatching=None))

    # Cross-entropy on its own, two class counts.
    for classes in (3, 7):
        z = randn(BATCH + 2, classes, scale=3.0)
        y = torch.randint(0, classes, (BATCH + 2,), generator=GEN)
        put_input("loss/ce%d/logits" % classes, z)
        ce = both(lambda v: cross_entropy(v, y), "crossEntropy", z)
        cases.append(OrderedDict(name="loss/crossEntropy C=%d" % classes, logits="loss/ce%d/logits" % classes,
                                 labels=[int(v) for v in y], crossEntropy=scalar(ce)))
    return cases


def fdcmkd_inputs(dim, classes):
    key = "fd/d%d_c%d" % (dim, classes)
    fs = randn(BATCH, dim, scale=0.9, shift=0.2)
    ft = randn(BATCH, dim, scale=2.0, shift=-0.7)
    zs = randn(BATCH, classes, scale=1.5)
    y = torch.randint(0, classes, (BATCH,), generator=GEN)
    # Heads: Xavier-normal-like weights and non-zero biases, so that the bias is checked as well.
    std = math.sqrt(2.0 / (dim + classes))
    heads = OrderedDict()
    for name in ("psiLow", "psiHigh", "phiLow", "phiHigh"):
        heads[name] = (randn(classes, dim, scale=std), randn(classes, scale=0.1))
    heads["psi"], heads["phi"] = heads["psiLow"], heads["phiLow"]  # the split-off heads reuse these arrays
    put_input(key + "/fs", fs)
    put_input(key + "/ft", ft)
    put_input(key + "/zs", zs)
    for name in ("psiLow", "psiHigh", "phiLow", "phiHigh"):
        put_input(key + "/" + name + "/weight", heads[name][0])
        put_input(key + "/" + name + "/bias", heads[name][1])
    return key, fs, ft, zs, y, heads


def fdcmkd_cases():
    cases = []
    sets = {(9, 3): fdcmkd_inputs(9, 3), (16, 4): fdcmkd_inputs(16, 4), (512, 5): fdcmkd_inputs(512, 5)}
    plan = [
        ("default", {}),
        ("dc=IN_LOW", {"dcMode": "IN_LOW"}),
        ("r=0.25", {"cutoffRatio": 0.25}),
        ("r=0.75 dc=IN_LOW", {"cutoffRatio": 0.75, "dcMode": "IN_LOW"}),
        ("split off", {"frequencySplit": False}),
        ("split off, log off, scale BEFORE_SPLIT", {"frequencySplit": False, "signedLog": False,
                                                    "scaleMode": "BEFORE_SPLIT"}),
        ("split off, scale NONE, shared off, SUM", {"frequencySplit": False, "scaleMode": "NONE",
                                                    "sharedClassifier": False, "reduction": "SUM"}),
        ("scale NONE", {"scaleMode": "NONE"}),
        ("scale BEFORE_SPLIT", {"scaleMode": "BEFORE_SPLIT"}),
        ("log off", {"signedLog": False}),
        ("shared off", {"sharedClassifier": False}),
        ("reduction SUM", {"reduction": "SUM"}),
        ("weights", {"taskWeight": 0.7, "bandHeadWeight": 0.4, "lowWeight": 2.5, "highWeight": 1.5,
                     "alignWeight": 0.3, "scaleWeight": 0.2}),
        ("weights, scale term, SUM, IN_LOW, r=0.25", {"taskWeight": 1.25, "lowWeight": 3.0, "highWeight": 0.5,
                                                      "scaleWeight": 1.5, "reduction": "SUM",
                                                      "dcMode": "IN_LOW", "cutoffRatio": 0.25}),
        ("no band heads, no align", {"bandHeadWeight": 0.0, "alignWeight": 0.0}),
    ]
    small_only = {"no band heads, no align", "split off, scale NONE, shared off, SUM",
                  "weights, scale term, SUM, IN_LOW, r=0.25"}
    for (dim, classes), (key, fs, ft, zs, y, heads) in sets.items():
        for label, over in plan:
            if dim == 512 and label in small_only:
                continue
            cfg = OrderedDict(DEFAULT_CFG)
            cfg.update(over)
            # ReLU kinks: a raw band value within 1e-5 of 0 would make float32 and float64 gradients differ.
            if cfg["frequencySplit"]:
                margin = min_abs_margin(split_channels(fs, cfg["cutoffRatio"], cfg["dcMode"]))
            else:
                margin = float(fs.abs().min())
            assert margin > 1e-5, "student band value too close to the ReLU kink: %g" % margin
            ref, weights = fdcmkd_with_grads(cfg, fs, ft, zs, y, heads, torch.float64)
            val, _ = fdcmkd_with_grads(cfg, fs, ft, zs, y, heads, torch.float32)
            for k in ref:
                f32_check("fdcmkd/" + k, ref[k], val[k])
            names = head_names(cfg)
            store_head_grads = dim < 512 or label in ("default", "split off", "weights")
            case = OrderedDict(
                name="fdcmkd/d%d %s" % (dim, label), featureDim=dim, numClasses=classes, config=cfg,
                inputs=OrderedDict(studentFeature=key + "/fs", teacherFeature=key + "/ft", studentLogits=key + "/zs"),
                labels=[int(v) for v in y],
                heads=OrderedDict((n, OrderedDict(
                    weight=key + "/" + {"psi": "psiLow", "phi": "phiLow"}.get(n, n) + "/weight",
                    bias=key + "/" + {"psi": "psiLow", "phi": "phiLow"}.get(n, n) + "/bias")) for n in names),
                weights=OrderedDict((k, float(w)) for k, w in weights.items()),
                terms=OrderedDict((k[len("term/"):], scalar(v)) for k, v in ref.items() if k.startswith("term/")),
                gradFeature=enc_out(ref["grad/feature"]),
                gradLogits=enc_out(ref["grad/logits"]),
                gradHeads=OrderedDict(
                    (n, OrderedDict(weight=enc_out(ref["grad/" + n + "/weight"]),
                                    bias=enc_out(ref["grad/" + n + "/bias"])))
                    for n in names) if store_head_grads else OrderedDict())
            cases.append(case)
    return cases


def main():
    splits = split_cases()
    losses = loss_cases()
    objectives = fdcmkd_cases()
    fixture = OrderedDict(
        meta=OrderedDict(
            generator="lib/src/test/python/make_golden.py", torch=torch.__version__, numpy=np.__version__,
            python=sys.version.split()[0], seed=SEED, batch=BATCH, tolerances=TOL,
            float32SelfCheck=OrderedDict(
                note="torch float32 evaluation of every expected value vs the float64 reference;"
                     " ratio = max |f32 - f64| / (atol + rtol |f64|) with the float32 tolerance",
                worstRatio=F32_WORST["ratio"], worstAt=F32_WORST["where"], absDiffThere=F32_WORST["absdiff"])),
        inputs=INPUTS, splitCases=splits, lossCases=losses, fdcmkdCases=objectives)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(fixture, fh, indent=1)
        fh.write("\n")
    size = os.path.getsize(OUT)
    print("torch %s, numpy %s, seed %d" % (torch.__version__, np.__version__, SEED))
    print("wrote %s (%.1f kB)" % (os.path.normpath(OUT), size / 1024))
    print("  %d inputs" % len(INPUTS))
    print("  %d split cases:" % len(splits))
    for c in splits:
        print("    " + c["name"] + "  bands " + ",".join(c["bands"]))
    print("  %d loss cases:" % len(losses))
    for c in losses:
        print("    " + c["name"])
    print("  %d FD-CMKD cases:" % len(objectives))
    for c in objectives:
        print("    %-55s terms %s, total %.6f%s" % (
            c["name"], ",".join(k for k in c["terms"] if k != "total"), c["terms"]["total"],
            "" if c["gradHeads"] or not c["heads"] else "  (head gradients not stored)"))
    print("float32 self-check: worst error %.3g x tolerance (%s, |diff| %.3g)" % (
        F32_WORST["ratio"], F32_WORST["where"], F32_WORST["absdiff"]))
    if F32_WORST["ratio"] > 1:
        print("WARNING: torch float32 exceeds the float32 tolerance somewhere; the Java float32 run may too")


if __name__ == "__main__":
    main()
