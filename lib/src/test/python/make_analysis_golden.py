"""Golden values for the kit's analyses, from an independent NumPy implementation.

Run with Debian's interpreter: /usr/bin/python3 lib/src/test/python/make_analysis_golden.py
Writes lib/src/test/resources/golden/analysis_golden.json (deterministic: fixed seed, repr floats).

Linear CKA follows Kornblith et al. (ICML 2019) in its HSIC form with the centring matrix H:
CKA = tr(K H L H) / sqrt(tr(K H K H) tr(L H L H)), K = X X^T, L = Y Y^T,
which is a different computation from the kit's feature-space formula.
"""
import json
import os

import numpy as np


def cka_hsic(x, y):
    n = x.shape[0]
    h = np.eye(n) - np.ones((n, n)) / n
    k = x @ x.T
    l = y @ y.T
    hsic = lambda a, b: np.trace(a @ h @ b @ h)
    return hsic(k, l) / np.sqrt(hsic(k, k) * hsic(l, l))


def main():
    rng = np.random.default_rng(20251127)
    cases = []
    for n, p, q, shared in [(20, 5, 3, 0.0), (40, 8, 8, 0.7), (64, 16, 4, 0.9)]:
        x = rng.normal(size=(n, p)) + 2.0
        noise = rng.normal(size=(n, q))
        y = shared * x[:, :q] + (1 - shared) * noise if q <= p else noise
        cases.append({"name": f"n={n} p={p} q={q} shared={shared}", "x": x.tolist(), "y": y.tolist(),
                      "cka": float(cka_hsic(x, y))})
    out = os.path.join(os.path.dirname(__file__), "..", "resources", "golden", "analysis_golden.json")
    with open(out, "w") as f:
        json.dump({"numpy": np.__version__, "cases": cases}, f, indent=1)
    print("wrote", os.path.normpath(out), len(cases), "cases")


if __name__ == "__main__":
    main()
