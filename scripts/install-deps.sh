#!/usr/bin/env bash
# Installs the Debian packages pmbench builds and tests with. Idempotent; run as root.
# Only packages that are missing are installed, and `apt-get update` runs at most once.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache
  libeigen3-dev          # linear algebra of every metric
  liblemon-dev           # network simplex: the exact optimal transport in WGD (same algorithm as POT)
  libhdf5-dev            # predictions / ground-truth files
  nlohmann-json3-dev     # JSON reports
  libcli11-dev           # command line
  libssl-dev             # sha256 (OpenSSL EVP): encoder weights, dataset files, manifests
  libmpg123-dev          # mp3 decoding of the dataset audio
  libsoxr-dev            # resampling the dataset audio to 16 kHz
  libmp3lame-dev         # mp3 encoding in the test fixture generator
  libgtest-dev libgmock-dev libbenchmark-dev   # tests and benchmarks
  pybind11-dev python3-dev python3-numpy python3-pytest python3-h5py  # Python module, its tests, example data
)
if [[ "${PMBENCH_WITH_TORCH:-1}" != 0 ]]; then
  packages+=(libtorch-dev python3-torch)   # motion auto-encoder (FID) and baselines
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
if [[ $(id -u) != 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
