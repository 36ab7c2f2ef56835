#!/usr/bin/env bash
# Executes the notebooks headless with Debian's Jupyter and the kit's Java kernel.
#
#   notebooks/run-notebooks.sh --smoke [NOTEBOOK ...]   small sizes (FDCMKD_PROFILE=ci); outputs go to
#                                                      lib/target/executed-notebooks/, the committed files stay
#   notebooks/run-notebooks.sh [NOTEBOOK ...]           full sizes; outputs are written into the notebooks
#
# Default: every notebooks/*.ipynb. Any cell error fails the run. The kernel's known start-up race (it does not
# answer, or dies before its first reply) is met with a 10 s start delay, a 30 s start-up timeout and up to 8
# attempts; any other failure stops at once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

smoke=0
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi
notebooks=("$@")
if [ ${#notebooks[@]} -eq 0 ]; then notebooks=("$ROOT"/notebooks/*.ipynb); fi

# A kernel spec of this checkout's own, found first through JUPYTER_PATH: another checkout's set-up (which
# installs the user-wide kernel "java") cannot point this run at its classes.
export JUPYTER_PATH="$ROOT/lib/target/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
KERNEL_DIR="$ROOT/lib/target/jupyter/kernels/cmkd-java" "$ROOT/environment/setup-notebooks.sh"
export PYTHONPATH="$ROOT/environment/jupyter${PYTHONPATH:+:$PYTHONPATH}"
OUT="$ROOT/lib/target/executed-notebooks"
mkdir -p "$OUT"
if [ $smoke = 1 ]; then export FDCMKD_PROFILE=ci; else export FDCMKD_PROFILE=full; fi

for notebook in "${notebooks[@]}"; do
  name="$(basename "$notebook" .ipynb)"
  if [ $smoke = 1 ]; then where=(--output-dir "$OUT"); else where=(--inplace); fi
  for attempt in 1 2 3 4 5 6 7 8; do
    start=$(date +%s)
    log="$OUT/$name.attempt$attempt.log"
    if (cd "$(dirname "$notebook")" && /usr/bin/jupyter nbconvert --to notebook --execute \
          --ExecutePreprocessor.kernel_name=cmkd-java \
          --ExecutePreprocessor.kernel_manager_class=delayed_km.DelayedStartKernelManager \
          --ExecutePreprocessor.startup_timeout=30 --ExecutePreprocessor.timeout=3600 \
          "${where[@]}" "$(basename "$notebook")") >"$log" 2>&1; then
      echo "notebook OK    $name ($FDCMKD_PROFILE, $(( $(date +%s) - start )) s)"
      continue 2
    fi
    if grep -q -e "Kernel didn't respond" -e "Kernel died before replying to kernel_info" "$log"; then
      echo "notebook RETRY $name: the kernel did not answer at start-up (attempt $attempt)"
      continue
    fi
    echo "notebook FAIL  $name (see $log)"
    tail -n 40 "$log"
    exit 1
  done
  echo "notebook FAIL  $name: the kernel never started (see $log)"
  exit 1
done
