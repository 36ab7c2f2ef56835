#!/usr/bin/python3
"""Prepares the NYU-Depth V2 labelled set for the kit's Java loader (dev.cmkd.data.nyu.NyuDepthV2).

    /usr/bin/python3 data-scripts/nyu-depth-v2/prepare.py RAW_DIR OUT_DIR [--val-scene-ranks FILE]

RAW_DIR holds nyu_depth_v2_labeled.mat (MATLAB v7.3, i.e. HDF5), splits.mat and classMapping40.mat
(MATLAB v5), as download.sh leaves them. OUT_DIR receives the layout of README.md:

    rgb/NNNN.png      8-bit RGB, 480 x 640
    depth/NNNN.png    16-bit grayscale, millimetres (round(1000 * metres), clipped to 65535; 0: no depth)
    label40/NNNN.png  8-bit grayscale, 0 = void (unlabelled), 1..40 = the 40 classes of Gupta et al.
    splits/{official-train,train,val,test}.txt, classes.tsv, scenes.tsv, prepared.json (written last)

NNNN is the 1-based image index of the .mat (the numbering of splits.mat), zero-padded to 4 digits.

Orientation. MATLAB stores an H x W x C x N array column-major; HDF5 (and h5py) see the reversed shape
N x C x W x H. So images[i] is (3, W, H) and becomes (H, W, 3) by transpose(2, 1, 0); depths[i] and
labels[i] are (W, H) and become (H, W) by .T.

Classes. labels holds indices into the 894 names (0 = unlabelled). classMapping40.mat's mapClass (1 x 894)
maps name k (1-based) to one of the 40 classes; 0 stays 0 (void).

Validation carve. splits/val.txt holds every official training image whose scene is one of the train scenes
named by rank in the committed file data-scripts/nyu-depth-v2/val-scene-ranks.txt (1-based ranks in the
sorted list of distinct scene names among the official training images), so validation is scene-disjoint
from the rest of training, as the official train/test split is. splits/train.txt is the official training
set without them; splits/official-train.txt is all 795 (the paper protocol trains on it).

Only Debian packages are needed: python3-h5py, python3-numpy, python3-scipy, python3-pil
(environment/install-system-packages.sh nyu). Images already written are kept, so an interrupted run
resumes; each file is written under a temporary name and renamed.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "nyu-depth-v2"
MAT = "nyu_depth_v2_labeled.mat"
SPLITS = "splits.mat"
MAPPING = "classMapping40.mat"


def fail(message):
    print(NAME + ": ERROR: " + message, file=sys.stderr)
    sys.exit(1)


try:
    import h5py
    import numpy as np
    import PIL
    import scipy.io
    from PIL import Image
except ImportError as error:
    fail("%s: prepare.py needs Debian's python3-h5py, python3-numpy, python3-scipy and python3-pil; run"
         " environment/install-system-packages.sh nyu and call /usr/bin/python3 (not a pyenv/venv python)"
         % error)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]


def write_atomic(path, writer):
    temporary = path + ".part"
    writer(temporary)
    os.replace(temporary, path)


def write_text(path, text):
    def writer(temporary):
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(text)
    write_atomic(path, writer)


def write_png(path, array, mode=None):
    write_atomic(path, lambda temporary: Image.fromarray(array, mode).save(temporary, format="PNG"))


def load_v5(path, fields):
    if not os.path.isfile(path):
        fail("%s is missing: run data-scripts/nyu-depth-v2/download.sh" % path)
    try:
        content = scipy.io.loadmat(path)
    except Exception as error:  # scipy raises several types for a damaged file
        fail("%s cannot be read as a MATLAB file (%s): delete it and rerun download.sh" % (path, error))
    for field in fields:
        if field not in content:
            fail("%s has no field '%s' (fields: %s): delete it and rerun download.sh"
                 % (path, field, sorted(k for k in content if not k.startswith("__"))))
    return content


def load_mapping(raw):
    path = os.path.join(raw, MAPPING)
    content = load_v5(path, ["mapClass", "className"])
    mapping = np.asarray(content["mapClass"]).reshape(-1)
    if mapping.size != 894 or mapping.min() < 0 or mapping.max() > 40:
        fail("%s: field mapClass has %d entries in [%s, %s], expected 894 in [0, 40]: delete it and rerun"
             " download.sh" % (path, mapping.size, mapping.min(), mapping.max()))
    names = [str(np.asarray(entry).reshape(-1)[0]) for entry in np.asarray(content["className"]).reshape(-1)]
    if len(names) != 40:
        fail("%s: field className has %d names, expected 40" % (path, len(names)))
    # lookup[k] = class of 894-name k, lookup[0] = 0 (void)
    return np.concatenate([[0], mapping]).astype(np.uint8), names


def load_splits(raw, count):
    path = os.path.join(raw, SPLITS)
    content = load_v5(path, ["trainNdxs", "testNdxs"])
    train = sorted(int(i) for i in np.asarray(content["trainNdxs"]).reshape(-1))
    test = sorted(int(i) for i in np.asarray(content["testNdxs"]).reshape(-1))
    if set(train) & set(test) or sorted(train + test) != list(range(1, count + 1)):
        fail("%s: trainNdxs and testNdxs do not partition the images 1..%d: delete it and rerun download.sh"
             % (path, count))
    return train, test


def dataset(mat, path, name, rank):
    if name not in mat:
        fail("%s has no dataset '%s' (it has %s): the file is not the NYU-Depth V2 labelled set; delete it"
             " and rerun download.sh" % (path, name, sorted(mat.keys())))
    data = mat[name]
    if len(data.shape) != rank:
        fail("%s: dataset '%s' has shape %s, expected %d axes" % (path, name, data.shape, rank))
    return data


def scene_names(mat, path, count):
    refs = dataset(mat, path, "scenes", 2)
    if refs.size != count:
        fail("%s: dataset 'scenes' has %d entries, expected %d" % (path, refs.size, count))
    flat = np.asarray(refs).reshape(-1)
    return ["".join(chr(c) for c in np.asarray(mat[ref]).reshape(-1)) for ref in flat]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw")
    parser.add_argument("out")
    parser.add_argument("--val-scene-ranks", default=os.path.join(HERE, "val-scene-ranks.txt"))
    args = parser.parse_args()

    path = os.path.join(args.raw, MAT)
    if not os.path.isfile(path):
        fail("%s is missing: run data-scripts/nyu-depth-v2/download.sh" % path)
    if not h5py.is_hdf5(path):
        fail("%s is not an HDF5 (MATLAB v7.3) file: it is damaged or partial; delete it and rerun download.sh"
             % path)
    lookup, class_names = load_mapping(args.raw)
    with h5py.File(path, "r") as mat:
        images = dataset(mat, path, "images", 4)
        depths = dataset(mat, path, "depths", 3)
        labels = dataset(mat, path, "labels", 3)
        count, _, width, height = images.shape
        if images.shape[1] != 3 or depths.shape != (count, width, height) or labels.shape != depths.shape:
            fail("%s: shapes images %s, depths %s, labels %s do not match N x 3 x W x H and N x W x H"
                 % (path, images.shape, depths.shape, labels.shape))
        train, test = load_splits(args.raw, count)
        scenes = scene_names(mat, path, count)

        for folder in ("rgb", "depth", "label40", "splits"):
            os.makedirs(os.path.join(args.out, folder), exist_ok=True)
        written = 0
        for i in range(count):
            stem = "%04d.png" % (i + 1)
            targets = [os.path.join(args.out, folder, stem) for folder in ("rgb", "depth", "label40")]
            if all(os.path.exists(t) for t in targets):
                continue
            rgb = np.ascontiguousarray(np.asarray(images[i]).transpose(2, 1, 0)).astype(np.uint8)
            metres = np.asarray(depths[i]).T
            millimetres = np.clip(np.round(metres * 1000.0), 0, 65535).astype(np.uint16)
            names = np.asarray(labels[i]).T.astype(np.int64)
            if names.max() > 894:
                fail("%s: dataset 'labels', image %d, has the value %d above 894: the file is damaged; delete"
                     " it and rerun download.sh" % (path, i + 1, names.max()))
            label = lookup[names]
            write_png(targets[0], rgb, "RGB")
            write_png(targets[1], np.ascontiguousarray(millimetres), "I;16")
            write_png(targets[2], np.ascontiguousarray(label), "L")
            written += 1
            if written % 100 == 0:
                print("%s: %d / %d images written" % (NAME, i + 1, count), flush=True)

    ranks = [int(r) for r in read_lines(args.val_scene_ranks)]
    train_scenes = sorted({scenes[i - 1] for i in train})
    bad = [r for r in ranks if not 1 <= r <= len(train_scenes)]
    if bad:
        fail("%s: ranks %s lie outside 1..%d, the number of distinct training scenes"
             % (args.val_scene_ranks, bad, len(train_scenes)))
    val_scenes = sorted({train_scenes[r - 1] for r in ranks})
    val = [i for i in train if scenes[i - 1] in val_scenes]
    remaining = [i for i in train if scenes[i - 1] not in val_scenes]

    def ids(values):
        return "".join("%04d\n" % i for i in values)

    write_text(os.path.join(args.out, "splits", "official-train.txt"), ids(train))
    write_text(os.path.join(args.out, "splits", "train.txt"), ids(remaining))
    write_text(os.path.join(args.out, "splits", "val.txt"), ids(val))
    write_text(os.path.join(args.out, "splits", "test.txt"), ids(test))
    write_text(os.path.join(args.out, "classes.tsv"),
               "id\tname\n" + "".join("%d\t%s\n" % (k + 1, n) for k, n in enumerate(class_names)))
    write_text(os.path.join(args.out, "scenes.tsv"),
               "id\tscene\n" + "".join("%04d\t%s\n" % (i + 1, s) for i, s in enumerate(scenes)))
    summary = {
        "source": "NYU-Depth V2 labelled set (Silberman et al., ECCV 2012)",
        "synthetic": False,
        "images": int(count), "height": int(height), "width": int(width),
        "official_train": len(train), "train": len(remaining), "val": len(val), "test": len(test),
        "val_scenes": val_scenes, "train_scenes": len(train_scenes),
        "depth": "16-bit PNG, millimetres", "label40": "8-bit PNG, 0 = void, 1..40",
        "tools": {"h5py": h5py.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                  "pillow": PIL.__version__},
    }
    write_text(os.path.join(args.out, "prepared.json"), json.dumps(summary, indent=2) + "\n")
    print("%s: prepared %d images (%d train, %d val, %d test; %d validation scenes) in %s"
          % (NAME, count, len(remaining), len(val), len(test), len(val_scenes), args.out))


if __name__ == "__main__":
    main()
