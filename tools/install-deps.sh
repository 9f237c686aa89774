#!/bin/sh
# Installs the Debian 12 packages xhal needs to build and test, skipping
# those already present (so a warm machine spends no time here).
# Run as root. Used by tools/run-main.sh and tools/run-tests.sh.
set -eu
packages="gcc g++ pkg-config meson ninja-build libcmocka-dev libopenblas-dev libdnnl-dev
  ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo
  libprotobuf-c-dev protobuf-c-compiler libonnx-dev libze-dev llvm-spirv-14 spirv-tools cmake clang-14 libonnx-testdata binutils"
missing=""
for package in $packages; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages:$missing; run as root (sudo) to install them" >&2
    exit 1
  fi
  echo "install-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
else
  echo "install-deps: all packages present"
fi
