#!/bin/sh
# check_cuda_ptx.sh PTXAS PYTHON FATBIN_INSPECT FATBIN PTX_COMPUTE_80
#
# The CUDA backend's kernels must assemble for every architecture the plugin
# carries code for (docs/cuda-backend.md):
#   - FATBIN (the fatbin embedded in the plugin) holds sm_80 and sm_90 SASS
#     and compute_90 PTX;
#   - its compute_90 PTX, extracted with FATBIN_INSPECT (no cuobjdump
#     needed), assembles with `PTXAS -arch=sm_90` (what a newer GPU's driver
#     JIT-compiles it from);
#   - PTX_COMPUTE_80 (the build's PTX for compute_80, the source of the sm_80
#     SASS) assembles with `PTXAS -arch=sm_80`.
# Exit 0 if all hold, 1 otherwise, 2 on usage errors.
set -u

if [ "$#" -ne 5 ]; then
  echo "usage: $0 PTXAS PYTHON FATBIN_INSPECT FATBIN PTX_COMPUTE_80" >&2
  exit 2
fi
ptxas=$1
python=$2
inspect=$3
fatbin=$4
ptx80=$5

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0

# assemble NAME PTX ARCH
assemble() {
  if "$ptxas" -arch="$3" "$2" -o "$tmp/$3.cubin" >"$tmp/log" 2>&1; then
    echo "ok   ptxas -arch=$3 assembles $1 ($(wc -c <"$tmp/$3.cubin") bytes of SASS)"
  else
    echo "FAIL ptxas -arch=$3 rejects $1:"
    sed 's/^/    /' "$tmp/log" | head -n 40
    failed=1
  fi
}

# check_fatbin FATBIN: its three images, and its compute_90 PTX through
# ptxas -arch=sm_90.
check_fatbin() {
  f=$1
  base=$(basename "$f")
  if ! "$python" "$inspect" list "$f" >"$tmp/images" 2>&1; then
    echo "FAIL $f: cannot list its images:"
    sed 's/^/    /' "$tmp/images"
    failed=1
    return
  fi
  for image in 'sm_80 cubin' 'sm_90 cubin' 'compute_90 PTX'; do
    if grep -q "^$image " "$tmp/images"; then
      echo "ok   $base holds $(grep "^$image " "$tmp/images")"
    else
      echo "FAIL $base has no $image image; it holds:"
      sed 's/^/    /' "$tmp/images"
      failed=1
    fi
  done
  if "$python" "$inspect" ptx "$f" 90 "$tmp/compute_90.ptx" 2>"$tmp/log"; then
    assemble "the compute_90 PTX of $base" "$tmp/compute_90.ptx" sm_90
  else
    echo "FAIL cannot extract the compute_90 PTX of $base: $(cat "$tmp/log")"
    failed=1
  fi
}

check_fatbin "$fatbin"
assemble "$ptx80" "$ptx80" sm_80
exit $failed
