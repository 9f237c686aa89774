#!/bin/sh
# check_cuda_nodevice.sh CONFORMANCE PLUGIN [STUB_LIBCUDA]
#
# The CUDA backend must load everywhere and explain why it has no device
# (docs/cuda-backend.md): `conformance --backend=PLUGIN` exits 77 and the
# backend's INFO line (shown with XHAL_LOG=2) names the reason, for
#   0. no libcuda.so.1 on the machine (skipped where there is one);
#   1. no driver library: XHAL_CUDA_DRIVER_LIBRARY points at a file that does
#      not exist (so the check also holds on machines with a driver);
#   2. the toolkit's stub library (STUB_LIBCUDA, e.g.
#      /usr/local/cuda/lib64/stubs/libcuda.so) symlinked as libcuda.so.1 into
#      a temporary directory on LD_LIBRARY_PATH: CUDA_ERROR_STUB_LIBRARY.
# Case 2 is skipped when STUB_LIBCUDA is empty or missing.
# Exit 0 if every case behaves, 1 otherwise, 2 on usage errors.
set -u

if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
  echo "usage: $0 CONFORMANCE PLUGIN [STUB_LIBCUDA]" >&2
  exit 2
fi
conformance=$1
plugin=$2
stub=${3:-}

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0

# expect NAME PATTERN [VAR=VALUE...]: run conformance with the variables,
# require exit 77 and PATTERN (grep -E) in its output.
expect() {
  name=$1
  pattern=$2
  shift 2
  env XHAL_LOG=2 XHAL_CUDA_NCCL_LIBRARY=none "$@" "$conformance" --backend="$plugin" \
    >"$tmp/out" 2>&1
  code=$?
  if [ "$code" -ne 77 ]; then
    echo "FAIL $name: conformance exited $code, expected 77 (no device)"
    sed 's/^/    /' "$tmp/out"
    failed=1
  elif ! grep -Eq "$pattern" "$tmp/out"; then
    echo "FAIL $name: exit 77, but no line matches /$pattern/"
    sed 's/^/    /' "$tmp/out"
    failed=1
  else
    echo "ok   $name: exit 77; $(grep -E "$pattern" "$tmp/out" | head -n 1)"
  fi
}

# Plainly, where the system has no driver (the usual case on build machines).
if ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 '; then
  echo "skip no-driver-here: this machine has a libcuda.so.1"
else
  expect no-driver-here 'CUDA backend has no device: no NVIDIA driver: dlopen\("libcuda.so.1"\)'
fi
expect no-driver 'CUDA backend has no device: no NVIDIA driver: dlopen\(.*libcuda.so.1' \
  XHAL_CUDA_DRIVER_LIBRARY="$tmp/absent/libcuda.so.1"

if [ -n "$stub" ] && [ -f "$stub" ]; then
  mkdir "$tmp/stub" && ln -s "$stub" "$tmp/stub/libcuda.so.1"
  expect stub-library 'CUDA backend has no device: .*stub library.*CUDA_ERROR_STUB_LIBRARY' \
    LD_LIBRARY_PATH="$tmp/stub${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  echo "skip stub-library: no stub libcuda.so given or found ('$stub')"
fi
exit $failed
