#!/usr/bin/env bash
# Downloads and prepares NYU-Depth V2 (labelled, 40 classes) for the kit: the layout of README.md.
#
#   data-scripts/nyu-depth-v2/build.sh [DATA_DIR] [--no-install]
#
# DATA_DIR defaults to data/nyu-depth-v2 under the repository root: the downloads go to DATA_DIR/raw
# (2.8 GB, resumable), the prepared layout to DATA_DIR/prepared. Installs curl and Debian's python3-h5py,
# -numpy, -scipy and -pil first (environment/install-system-packages.sh nyu; root or sudo) unless
# --no-install. A rerun resumes an interrupted download or preparation.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
log() { echo "nyu-depth-v2: $*"; }
die() { echo "nyu-depth-v2: ERROR: $*" >&2; exit 1; }

data="$ROOT/data/nyu-depth-v2"
install=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) install=0; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "build.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) data="$1"; shift ;;
  esac
done

if [ "$install" = 1 ]; then
  log "1/3 tools: curl, python3-h5py, python3-numpy, python3-scipy, python3-pil"
  bash "$ROOT/environment/install-system-packages.sh" nyu
fi
[ -x /usr/bin/python3 ] || die "/usr/bin/python3 not found: apt-get install python3"
/usr/bin/python3 -c 'import h5py, numpy, scipy.io, PIL' 2>/dev/null || die "Debian's Python lacks h5py, numpy," \
  "scipy or PIL: run environment/install-system-packages.sh nyu (apt-get install python3-h5py python3-numpy" \
  "python3-scipy python3-pil)"

log "2/3 download into $data/raw"
bash "$HERE/download.sh" "$data/raw"

log "3/3 prepare into $data/prepared"
/usr/bin/python3 "$HERE/prepare.py" "$data/raw" "$data/prepared"
log "done: $data/prepared"
