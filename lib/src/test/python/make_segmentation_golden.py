#!/usr/bin/python3
"""Golden values for the segmentation losses, from an independent PyTorch implementation.

    /usr/bin/python3 lib/src/test/python/make_segmentation_golden.py

Writes lib/src/test/resources/golden/segmentation_golden.json, read by
dev.cmkd.method.SegmentationGoldenTest. Written from the formulas in the Javadoc of PixelCrossEntropy
and FdCmkd (FeatureLayout.MAP), not from the Java code:

  * pixel cross-entropy: torch.nn.functional.cross_entropy(logits, labels, ignore_index=-1), value and the
    gradient w.r.t. the logits;
  * FD-CMKD on dense maps [B, D, h, w], both variants with the default weights (all 1, cutoff 0.5, DC excluded,
    per-band standardization, signed log on the high band, shared classifiers on):
      - spatial: torch.fft.fft2 over (h, w) with the radial mask (exact rational comparison with the cutoff),
        standardization per sample over (D, h, w);
      - channel: torch.fft.rfft / irfft over D at every position, low = bins 1..round(r floor(D/2)),
        standardization per position over D;
    heads ReLU -> 1x1 convolution (weight [K, D, 1, 1], bias [K]) -> nearest upsampling by H / h
    (repeat_interleave) -> the pixel cross-entropy; every term, the total and d total / d f_s; the teacher map
    gets no gradient.

Inputs are float32-representable and stored as float32; expected values are float64. Tolerances as in
make_golden.py: float64 rtol 1e-10, atol 1e-12 (the Java test runs in float64).
"""

import base64
import json
import os
from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20251127
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "resources", "golden",
                   "segmentation_golden.json")
EPS = 1e-8
R = 0.5

GEN = torch.Generator().manual_seed(SEED)


def enc(t, dtype):
    a = t.detach().cpu().numpy()
    a = np.ascontiguousarray(a.astype("<f4" if dtype == "float32" else "<f8"))
    return {"shape": list(a.shape), "dtype": dtype, "b64": base64.b64encode(a.tobytes()).decode("ascii")}


def randn(*shape, scale=1.0, shift=0.0):
    return (torch.randn(*shape, generator=GEN) * scale + shift).float().double()


def labels(b, h, w, k):
    y = torch.randint(0, k, (b, h, w), generator=GEN)
    void = torch.rand(b, h, w, generator=GEN) < 0.2
    return torch.where(void, torch.full_like(y, -1), y)


def pixel_ce(logits, y):
    return F.cross_entropy(logits, y, ignore_index=-1)


def spatial_split(x):
    h, w = x.shape[-2], x.shape[-1]
    low = torch.zeros(h, w, dtype=torch.float64)
    high = torch.zeros(h, w, dtype=torch.float64)
    for ky in range(h):
        for kx in range(w):
            fy, fx = min(ky, h - ky), min(kx, w - kx)
            if fy == 0 and fx == 0:
                continue
            rho2 = (Fraction(fy, h // 2) ** 2 if h // 2 else 0) + (Fraction(fx, w // 2) ** 2 if w // 2 else 0)
            (low if rho2 <= Fraction(R) ** 2 else high)[ky, kx] = 1
    spectrum = torch.fft.fft2(x, dim=(-2, -1))
    return [torch.fft.ifft2(spectrum * m, dim=(-2, -1)).real for m in (low, high)]


def channel_split(x):
    d = x.shape[1]
    rows = x.permute(0, 2, 3, 1)
    spectrum = torch.fft.rfft(rows, dim=-1)
    bins = torch.arange(d // 2 + 1)
    cut = round(R * (d // 2))
    masks = [((bins >= 1) & (bins <= cut)).double(), (bins > cut).double()]
    return [torch.fft.irfft(spectrum * m, n=d, dim=-1).permute(0, 3, 1, 2) for m in masks]


def standardize(units):
    flat = units.reshape(units.shape[0], -1)
    centred = flat - flat.mean(dim=1, keepdim=True)
    return centred / centred.norm(dim=1, keepdim=True).clamp_min(EPS)


def units(x, variant):
    return x if variant == "spatial" else x.permute(0, 2, 3, 1).reshape(-1, x.shape[1])


def signed_log(x):
    return torch.sign(x) * torch.log1p(x.abs())


def head(band, weight, bias, factor):
    z = torch.einsum("bdhw,kd->bkhw", torch.relu(band), weight[:, :, 0, 0]) + bias.view(1, -1, 1, 1)
    return z.repeat_interleave(factor, dim=2).repeat_interleave(factor, dim=3)


def dense_case(variant, b=2, d=8, k=3, h=4, w=4, factor=4):
    fs = randn(b, d, h, w, shift=0.3).requires_grad_(True)
    ft = randn(b, d, h, w, scale=2.0, shift=-0.5).requires_grad_(True)
    logits = randn(b, k, h * factor, w * factor).requires_grad_(True)
    y = labels(b, h * factor, w * factor, k)
    heads = {name: (randn(k, d, 1, 1, scale=0.4), randn(k, scale=0.1)) for name in
             ("psiLow", "psiHigh", "phiLow", "phiHigh")}
    split = spatial_split if variant == "spatial" else channel_split
    s_low, s_high = split(fs)
    t_low, t_high = split(ft.detach())
    terms = {}
    terms["task"] = pixel_ce(logits, y)
    terms["psiLow"] = pixel_ce(head(s_low, *heads["psiLow"], factor), y)
    terms["low"] = ((standardize(units(s_low, variant)) - standardize(units(t_low, variant))) ** 2).mean()
    terms["phiLow"] = pixel_ce(head(s_low, *heads["phiLow"], factor), y) + pixel_ce(
        head(t_low, *heads["phiLow"], factor), y)
    terms["psiHigh"] = pixel_ce(head(s_high, *heads["psiHigh"], factor), y)
    terms["high"] = ((signed_log(standardize(units(s_high, variant)))
                      - signed_log(standardize(units(t_high, variant)))) ** 2).mean()
    terms["phiHigh"] = pixel_ce(head(s_high, *heads["phiHigh"], factor), y) + pixel_ce(
        head(t_high, *heads["phiHigh"], factor), y)
    total = sum(terms.values())
    total.backward()
    assert ft.grad is None or float(ft.grad.abs().max()) == 0.0
    return {
        "variant": variant, "featureChannels": d, "classes": k,
        "student": enc(fs, "float32"), "teacher": enc(ft, "float32"), "logits": enc(logits, "float32"),
        "labels": y.reshape(-1).tolist(), "labelShape": list(y.shape),
        "heads": {name: {"weight": enc(wb[0], "float32"), "bias": enc(wb[1], "float32")}
                  for name, wb in heads.items()},
        "terms": {name: float(value.item()) for name, value in terms.items()},
        "total": float(total.item()),
        "studentGradient": enc(fs.grad, "float64"),
    }


def main():
    torch.manual_seed(SEED)
    ce_logits = randn(3, 5, 6, 7).requires_grad_(True)
    ce_labels = labels(3, 6, 7, 5)
    ce = pixel_ce(ce_logits, ce_labels)
    ce.backward()
    fixture = {
        "meta": {"seed": SEED, "torch": torch.__version__, "numpy": np.__version__,
                 "tolerances": {"float64": {"rtol": 1e-10, "atol": 1e-12}},
                 "generator": "lib/src/test/python/make_segmentation_golden.py"},
        "pixelCrossEntropy": {"logits": enc(ce_logits, "float32"), "labels": ce_labels.reshape(-1).tolist(),
                              "labelShape": list(ce_labels.shape), "value": float(ce.item()),
                              "gradient": enc(ce_logits.grad, "float64")},
        "dense": [dense_case("spatial"), dense_case("channel"), dense_case("spatial", h=6, w=4, factor=2)],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", os.path.normpath(OUT), "| CE", fixture["pixelCrossEntropy"]["value"],
          "| totals", [case["total"] for case in fixture["dense"]])


if __name__ == "__main__":
    main()
