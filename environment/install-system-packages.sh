#!/usr/bin/env bash
# Installs the Debian packages a part of the kit needs, only those missing. Root (or sudo) and apt.
#
#   environment/install-system-packages.sh base     fonts for the PNG figures (fontconfig, DejaVu)
#   environment/install-system-packages.sh golden   PyTorch from Debian, to regenerate the golden fixtures
#   environment/install-system-packages.sh data     speech tools that build AV-MNIST-TTS (espeak-ng, flite, sox)
#   environment/install-system-packages.sh crisismmd  download and preparation of CrisisMMD (curl, unzip, ffmpeg, python3)
#   environment/install-system-packages.sh av       ffmpeg, to prepare CREMA-D, AVE and VGGSound (frames, WAV)
#   environment/install-system-packages.sh nyu      curl and Python's h5py, numpy, scipy, PIL: NYU-Depth V2 download and preparation
#   environment/install-system-packages.sh jupyter  headless Jupyter from Debian (nbconvert, nbclient)
#   environment/install-system-packages.sh jupyter-ui  the classic Notebook UI as well
#   environment/install-system-packages.sh browser  the Notebook UI, Chromium and its driver: the browser test of the notebooks
#   environment/install-system-packages.sh slurm    Slurm (controller, node daemon, client) and munge: the local Slurm of kit sweep's test
#
set -euo pipefail

case "${1:-}" in
  base) packages=(fontconfig fonts-dejavu-core) ;;
  golden) packages=(python3-torch python3-numpy python3-scipy) ;;
  data) packages=(espeak-ng flite sox) ;;
  crisismmd) packages=(curl unzip ffmpeg python3) ;;
  av) packages=(ffmpeg) ;;
  nyu) packages=(curl python3-h5py python3-numpy python3-scipy python3-pil) ;;
  jupyter) packages=(jupyter-core jupyter-client python3-nbclient jupyter-nbconvert python3-ipykernel) ;;
  jupyter-ui) packages=(jupyter-core jupyter-client python3-nbclient jupyter-nbconvert python3-ipykernel jupyter-notebook) ;;
  browser) packages=(jupyter-core jupyter-client python3-nbclient jupyter-nbconvert python3-ipykernel jupyter-notebook
                     chromium chromium-driver) ;;
  slurm) packages=(slurm-wlm munge) ;;
  *) sed -n '2,/^set /{/^#/p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    exec sudo "$0" "$@"
  fi
  echo "install-system-packages: need root to install: ${missing[*]} (run: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "install-system-packages: installing ${missing[*]}" >&2
# Two builds on one machine may install at once: wait for dpkg's lock instead of failing.
apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
