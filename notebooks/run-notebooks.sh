#!/usr/bin/env bash
# Executes the notebooks headless with Debian's Jupyter and the kit's Java kernel.
#
#   notebooks/run-notebooks.sh --smoke [NOTEBOOK ...]   small sizes (FDCMKD_PROFILE=ci); outputs go to
#                                                      lib/target/executed-notebooks/, the committed files stay
#   notebooks/run-notebooks.sh [NOTEBOOK ...]           full sizes; outputs are written into the notebooks
#
# Default: every notebooks/*.ipynb. Any failure stops the run at once, a kernel that does not start included: the
# kernel spec starts rapaio-jupyter-kernel through the kit's launcher, which removes the kernel's start-up race
# (environment/setup-notebooks.sh; measured with environment/jupyter/measure-kernel-starts.py), so there is no
# start delay and no retry. The 120 s start-up timeout only allows for a loaded machine (a start takes 2-9 s).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

smoke=0
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi
notebooks=("$@")
if [ ${#notebooks[@]} -eq 0 ]; then notebooks=("$ROOT"/notebooks/*.ipynb); fi

# A kernel spec of this checkout's own, found first through JUPYTER_PATH: another checkout's set-up (which
# installs the user-wide kernel "cmkd-java") cannot point this run at its classes.
export JUPYTER_PATH="$ROOT/lib/target/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
KERNEL_DIR="$ROOT/lib/target/jupyter/kernels/cmkd-java" "$ROOT/environment/setup-notebooks.sh"
OUT="$ROOT/lib/target/executed-notebooks"
mkdir -p "$OUT"
if [ $smoke = 1 ]; then export FDCMKD_PROFILE=ci; else export FDCMKD_PROFILE=full; fi

for notebook in "${notebooks[@]}"; do
  name="$(basename "$notebook" .ipynb)"
  if [ $smoke = 1 ]; then where=(--output-dir "$OUT"); else where=(--inplace); fi
  start=$(date +%s)
  log="$OUT/$name.log"
  if (cd "$(dirname "$notebook")" && /usr/bin/jupyter nbconvert --to notebook --execute \
        --ExecutePreprocessor.kernel_name=cmkd-java \
        --ExecutePreprocessor.startup_timeout=120 --ExecutePreprocessor.timeout=3600 \
        "${where[@]}" "$(basename "$notebook")") >"$log" 2>&1; then
    echo "notebook OK    $name ($FDCMKD_PROFILE, $(( $(date +%s) - start )) s)"
  else
    echo "notebook FAIL  $name (see $log)"
    tail -n 40 "$log"
    exit 1
  fi
done
