#!/usr/bin/python3
"""Writes a tiny SYNTHETIC stand-in for the NYU-Depth V2 raw files, in their exact formats, so that
prepare.py and the Java loader can be tested without the 2.8 GB download (no real image is involved).

    /usr/bin/python3 data-scripts/nyu-depth-v2/make-raw-fixture.py RAW_DIR [--count N] [--height H] [--width W]

Files (the formats of the real ones):
    nyu_depth_v2_labeled.mat  HDF5 as MATLAB v7.3 writes it: images N x 3 x W x H uint8, depths N x W x H
                              float32 (metres), labels N x W x H uint16 (0..894), scenes 1 x N references
                              to uint16 character arrays in the group '#refs#'
    splits.mat                MATLAB v5: trainNdxs, testNdxs (1-based column vectors)
    classMapping40.mat        MATLAB v5: mapClass 1 x 894, className 1 x 40 cell of names

Content, for image i = 1..N and pixel (y, x) of the H x W image (tests recompute these):
    rgb[y, x, c]   = (17 i + 5 y + 3 x + 80 c) mod 256
    depth[y, x]    = 0.5 + 0.25 i + 0.01 y + 0.001 x metres, i.e. 500 + 250 i + 10 y + x millimetres
    label894[y, x] = (7 i + W y + x) mod 895          (0 = unlabelled)
    mapClass[k]    = ((k - 1) mod 40) + 1 for k = 1..894, so label40 = ((label894 - 1) mod 40) + 1, 0 -> 0
    scene(i)       = "scene_%02d" % ((i - 1) // 2)      (two images per scene)
    test           = the images of scenes whose number is 2 mod 3; train = the others
"""

import argparse
import os

import h5py
import numpy as np
import scipy.io


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("raw")
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--height", type=int, default=6)
    parser.add_argument("--width", type=int, default=8)
    args = parser.parse_args()
    n, h, w = args.count, args.height, args.width
    os.makedirs(args.raw, exist_ok=True)

    i = np.arange(1, n + 1).reshape(n, 1, 1)
    y = np.arange(h).reshape(1, h, 1)
    x = np.arange(w).reshape(1, 1, w)
    rgb = np.stack([(17 * i + 5 * y + 3 * x + 80 * c) % 256 for c in range(3)], axis=-1).astype(np.uint8)
    depth = (0.5 + 0.25 * i + 0.01 * y + 0.001 * x).astype(np.float32)
    label = ((7 * i + w * y + x) % 895).astype(np.uint16)
    scenes = ["scene_%02d" % ((k - 1) // 2) for k in range(1, n + 1)]

    with h5py.File(os.path.join(args.raw, "nyu_depth_v2_labeled.mat"), "w") as mat:
        # MATLAB's column-major H x W x C x N appears reversed in HDF5: N x C x W x H.
        mat.create_dataset("images", data=rgb.transpose(0, 3, 2, 1))
        mat.create_dataset("depths", data=depth.transpose(0, 2, 1))
        mat.create_dataset("labels", data=label.transpose(0, 2, 1))
        refs = mat.create_group("#refs#")
        references = []
        for k, name in enumerate(scenes):
            chars = refs.create_dataset("s%d" % k, data=np.array([[ord(ch)] for ch in name], dtype=np.uint16))
            references.append(chars.ref)
        mat.create_dataset("scenes", data=np.array([references], dtype=h5py.ref_dtype))

    test = [k for k in range(1, n + 1) if ((k - 1) // 2) % 3 == 2]
    train = [k for k in range(1, n + 1) if k not in test]
    scipy.io.savemat(os.path.join(args.raw, "splits.mat"), {
        "trainNdxs": np.array(train, dtype=np.float64).reshape(-1, 1),
        "testNdxs": np.array(test, dtype=np.float64).reshape(-1, 1)})
    names = np.empty((1, 40), dtype=object)
    for k in range(40):
        names[0, k] = "class%02d" % (k + 1)
    scipy.io.savemat(os.path.join(args.raw, "classMapping40.mat"), {
        "mapClass": (np.arange(894) % 40 + 1).astype(np.float64).reshape(1, 894), "className": names})
    print("wrote a synthetic %d-image NYU-Depth V2 raw fixture (%d x %d) to %s" % (n, h, w, args.raw))


if __name__ == "__main__":
    main()
