#!/usr/bin/python3
"""Prepares CrisisMMD v2.0 (humanitarian task) for the kit: Python 3 standard library and ffmpeg only.

Called by prepare.sh after unpacking; see README.md in this folder for the layout it writes and every rule.
"""
import argparse
import concurrent.futures
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

CLASSES = [  # alphabetical, the class order of the Hugging Face mirror QCRI/CrisisMMD
    "affected_individuals",
    "infrastructure_and_utility_damage",
    "injured_or_dead_people",
    "missing_or_found_people",
    "not_humanitarian",
    "other_relevant_information",
    "rescue_volunteering_or_donation_effort",
    "vehicle_damage",
]
OFFICIAL_SPLITS = [("train", "train"), ("dev", "val"), ("test", "test")]  # (file suffix, kit name)
SPLIT_FILES = {
    "all": "task_humanitarian_text_img_{}.tsv",
    "agreed": "task_humanitarian_text_img_agreed_lab_{}.tsv",
}
REQUIRED = ["event_name", "tweet_id", "image_id", "tweet_text", "image"]
TAIL = 5  # a row's last columns (image and the labels) never hold a tab; see split_row
OUTPUT_COLUMNS = ["image_id", "tweet_id", "event_name", "image", "text", "label"]

MENTION = re.compile(r"(?<![\w@])@\w+")
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
SPACE = re.compile(r"\s+")
DROPPED_MARKS = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}  # zero-width joiner, variation selectors, keycap


class PreparationError(Exception):
    pass


def is_emoji(cp):
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF) \
        and unicodedata.category(chr(cp)) == "So"


def normalize(text):
    """Tweet normalisation (data.md): HTML entities decoded, user -> @USER, URL -> HTTPURL, emoji -> :name:,
    skin-tone modifiers and joiners removed, whitespace (newlines, tabs) collapsed to one space."""
    text = html.unescape(text)
    text = URL.sub(" HTTPURL ", text)
    text = MENTION.sub("@USER", text)
    out = []
    for ch in text:
        cp = ord(ch)
        if cp in DROPPED_MARKS or 0x1F3FB <= cp <= 0x1F3FF:
            continue
        if is_emoji(cp):
            name = unicodedata.name(ch, "")
            if name:
                out.append(" :" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") + ": ")
            continue
        out.append(ch)
    return SPACE.sub(" ", "".join(out)).strip()


def split_row(line, header, path, number):
    """Tab-separated fields, no quoting (as the dataset's authors read them). A tweet that itself holds tabs
    gives extra fields: they are joined back into tweet_text, since the columns after it hold none."""
    fields = line.split("\t")
    if len(fields) < len(header):
        raise PreparationError(f"{path} line {number}: {len(fields)} tab-separated fields, expected {len(header)}"
                               f" ({', '.join(header)}); the file is damaged: delete the unpacked split folder"
                               f" and run prepare.sh again, or download the split zip again")
    if len(fields) > len(header):
        text = header.index("tweet_text")
        extra = len(fields) - len(header)
        if text != len(header) - TAIL - 1:
            raise PreparationError(f"{path} line {number}: {len(fields)} fields, expected {len(header)}")
        fields = fields[:text] + ["\t".join(fields[text:text + extra + 1])] + fields[text + extra + 1:]
    return dict(zip(header, fields))


def read_split(path, label_column):
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    header = lines[0].lstrip("\ufeff").rstrip("\r").split("\t")
    missing = [c for c in REQUIRED + [label_column] if c not in header]
    if missing:
        raise PreparationError(f"{path} line 1 (header): column(s) {missing} missing; found {header}."
                               f" Fix: use the official split zip, or --label-column with one of {header}")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        row = split_row(line, header, path, number)
        label = row[label_column].strip()
        if label not in CLASSES:
            raise PreparationError(f"{path} line {number}, field '{label_column}': '{label}' is not one of the"
                                   f" 8 humanitarian classes {CLASSES}. Fix: use the humanitarian split files")
        rows.append({"line": number, "event_name": row["event_name"].strip(), "tweet_id": row["tweet_id"].strip(),
                     "image_id": row["image_id"].strip(), "tweet_text": row["tweet_text"],
                     "image": row["image"].strip(), "label": label})
    return rows


def find_split_file(raw, pattern):
    found = sorted(p for p in raw.rglob(pattern) if "__MACOSX" not in p.parts)
    if not found:
        raise PreparationError(f"no file {pattern} under {raw}. Fix: run data-scripts/crisismmd/download.sh, then"
                               f" prepare.sh (which unpacks the split zip into {raw})")
    contents = {p.read_bytes() for p in found}
    if len(contents) > 1:
        raise PreparationError(f"{len(found)} different files named {pattern} under {raw}: {found}. Fix: delete"
                               f" {raw} and run prepare.sh again")
    return found[0]


def find_dataset_root(raw):
    for candidate in [raw / "CrisisMMD_v2.0", raw]:
        if (candidate / "data_image").is_dir():
            return candidate
    raise PreparationError(f"no folder data_image under {raw} or {raw / 'CrisisMMD_v2.0'}. Fix: run download.sh,"
                           f" then prepare.sh (which unpacks CrisisMMD_v2.0.tar.gz into {raw})")


def deduplicate(splits, rule):
    """Official split kept; one row per image_id; no image (and with rule 'tweet', no tweet) in two splits:
    a duplicate is kept in the later split of val, test and dropped from train (or from val)."""
    dropped = []
    order = ["test", "val", "train"]  # an id kept in an earlier-listed split is dropped from the later ones
    claimed_images, claimed_tweets = {}, {}
    for name in order:
        kept, seen_images, seen_tweets = [], set(), set()
        for row in splits[name]:
            reason = None
            if row["image_id"] in seen_images:
                reason = "duplicate image_id in the same split"
            elif row["image_id"] in claimed_images:
                reason = f"image_id also in {claimed_images[row['image_id']]}"
            elif rule == "tweet" and row["tweet_id"] in seen_tweets:
                reason = "tweet_id already has an image in this split (--dedup tweet)"
            elif rule == "tweet" and row["tweet_id"] in claimed_tweets:
                reason = f"tweet_id also in {claimed_tweets[row['tweet_id']]} (--dedup tweet)"
            if reason:
                dropped.append((name, row, reason))
                continue
            seen_images.add(row["image_id"])
            seen_tweets.add(row["tweet_id"])
            kept.append(row)
        for row in kept:
            claimed_images[row["image_id"]] = name
            claimed_tweets[row["tweet_id"]] = name
        splits[name] = kept
    return dropped


def convert_image(source, target, size, ffmpeg):
    """Writes target as a baseline RGB JPEG whose shorter side is min(size, original), via a temporary file."""
    if target.exists() and target.stat().st_size > 0:
        return None
    temporary = target.with_suffix(".tmp.jpg")
    if size == 0:
        shutil.copyfile(source, temporary)
    else:
        scale = (f"scale=w='if(lt(iw,ih),min(iw,{size}),-2)':h='if(lt(iw,ih),-2,min(ih,{size}))'"
                 f":flags=bicubic")
        result = subprocess.run([ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-i", str(source),
                                 "-frames:v", "1", "-vf", scale, "-pix_fmt", "yuvj420p", "-q:v", "2",
                                 "-f", "image2", str(temporary)], capture_output=True, text=True)
        if result.returncode != 0 or not temporary.exists() or temporary.stat().st_size == 0:
            temporary.unlink(missing_ok=True)
            return (result.stderr.strip().splitlines() or ["ffmpeg produced no image"])[-1]
    os.replace(temporary, target)
    return None


def write_csv(path, rows):
    temporary = path.with_suffix(".csv.tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(OUTPUT_COLUMNS)
        for row in rows:
            writer.writerow([row["image_id"], row["tweet_id"], row["event_name"], f"images/{row['image_id']}.jpg",
                             row["text"], row["label"]])
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw", required=True, type=Path, help="folder with the unpacked archives")
    parser.add_argument("--out", required=True, type=Path, help="the prepared dataset's folder")
    parser.add_argument("--split", choices=sorted(SPLIT_FILES), default="all")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--dedup", choices=["image", "tweet"], default="image")
    parser.add_argument("--image-size", type=int, default=256, help="shorter side in pixels; 0 copies as is")
    parser.add_argument("--ffmpeg", default="ffmpeg")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.image_size < 0:
        raise PreparationError(f"--image-size {args.image_size} must be >= 0")

    root = find_dataset_root(args.raw)
    splits, sources, read_counts = {}, {}, {}
    for suffix, name in OFFICIAL_SPLITS:
        path = find_split_file(args.raw, SPLIT_FILES[args.split].format(suffix))
        sources[name] = str(path.relative_to(args.raw))
        splits[name] = read_split(path, args.label_column)
        read_counts[name] = len(splits[name])
    dropped = deduplicate(splits, args.dedup)

    images = args.out / "images"
    images.mkdir(parents=True, exist_ok=True)
    jobs = {}
    for name in splits:
        for row in splits[name]:
            if not re.fullmatch(r"[0-9A-Za-z_\-]+", row["image_id"]):
                raise PreparationError(f"{sources[name]} line {row['line']}, field 'image_id': '{row['image_id']}'"
                                       f" is not a plain identifier; fix: use the official split files")
            jobs[row["image_id"]] = (root / row["image"], images / f"{row['image_id']}.jpg")
    failures = {}
    with concurrent.futures.ThreadPoolExecutor(max(1, args.workers)) as pool:
        futures = {}
        for image_id, (source, target) in jobs.items():
            if not source.is_file():
                failures[image_id] = f"missing file {source}"
                continue
            futures[pool.submit(convert_image, source, target, args.image_size, args.ffmpeg)] = image_id
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            problem = future.result()
            if problem:
                failures[futures[future]] = problem
            if done % 1000 == 0:
                print(f"crisismmd: images {done}/{len(futures)}", flush=True)
    for name in splits:
        kept = []
        for row in splits[name]:
            if row["image_id"] in failures:
                dropped.append((name, row, "image: " + failures[row["image_id"]]))
                continue
            row["text"] = normalize(row["tweet_text"])
            if not row["text"]:
                dropped.append((name, row, "empty tweet text after normalisation"))
                continue
            kept.append(row)
        splits[name] = kept
        if not kept:
            raise PreparationError(f"split {name} has no usable row left (see {args.out / 'dropped.csv'});"
                                   f" fix: check that CrisisMMD_v2.0.tar.gz was unpacked completely")

    with open(args.out / "dropped.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["split", "image_id", "tweet_id", "source_line", "reason"])
        for name, row, reason in dropped:
            writer.writerow([name, row["image_id"], row["tweet_id"], row["line"], reason])
    for name in splits:
        write_csv(args.out / f"{name}.csv", splits[name])
    tweets = {name: {r["tweet_id"] for r in splits[name]} for name in splits}
    summary = {
        "dataset": "CrisisMMD v2.0, humanitarian task",
        "split": args.split, "labelColumn": args.label_column, "dedup": args.dedup, "imageSize": args.image_size,
        "sources": sources, "rowsRead": read_counts,
        "rowsKept": {name: len(rows) for name, rows in splits.items()},
        "rowsDropped": len(dropped),
        "tweetsSharedAcrossSplits": {f"{a}/{b}": len(tweets[a] & tweets[b])
                                     for a, b in [("train", "val"), ("train", "test"), ("val", "test")]},
        "classes": CLASSES,
        "classCounts": {name: {c: sum(r["label"] == c for r in rows) for c in CLASSES}
                        for name, rows in splits.items()},
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"crisismmd: rows read {read_counts}, kept {summary['rowsKept']}, dropped {len(dropped)}"
          f" (see {args.out / 'dropped.csv'})")


if __name__ == "__main__":
    try:
        main()
    except PreparationError as e:
        print(f"crisismmd: ERROR: {e}", file=sys.stderr)
        sys.exit(1)
