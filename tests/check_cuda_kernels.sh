#!/bin/sh
# check_cuda_kernels.sh PYTHON FATBIN_INSPECT FATBIN KERNEL_NAMES [CL_FATBIN...]
#
# Every hand-written operator kernel the CUDA backend looks up
# (KERNEL_NAMES, one per line, written at build time from the plugin's own
# table by cu_kernel_list) must be present by name in every image of
# FATBIN (the sm_80 and sm_90 cubins' function symbols, the compute_90
# PTX's .entry directives), and no image may hold an xhal_cu_* kernel the
# table does not name.
# Each CL_FATBIN (an OpenCL C program compiled as CUDA C++; the plugin
# looks its kernels up by the names the launch planner forms, and the
# emulator's tables are generated from the same fatbins) must hold the
# same non-empty kernel set in all three images, no xhal_cu_* kernel, and
# no kernel of another fatbin, so that a kernel name means one kernel.
# Exit 0 if so, 1 otherwise, 2 on usage errors.
set -u

if [ "$#" -lt 4 ]; then
  echo "usage: $0 PYTHON FATBIN_INSPECT FATBIN KERNEL_NAMES [CL_FATBIN...]" >&2
  exit 2
fi
python=$1
inspect=$2
fatbin=$3
names=$4
shift 4

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$python" "$inspect" kernels "$fatbin" >"$tmp/found" 2>"$tmp/log"; then
  echo "FAIL $fatbin: $(cat "$tmp/log")"
  exit 1
fi
expected=$(grep -c . "$names")
if [ "$expected" -eq 0 ]; then
  echo "FAIL $names lists no kernel"
  exit 1
fi
failed=0
for image in $(cut -d' ' -f1 "$tmp/found" | sort -u); do
  grep "^$image " "$tmp/found" | cut -d' ' -f2 | sort -u >"$tmp/have"
  sort -u "$names" >"$tmp/want"
  missing=$(comm -23 "$tmp/want" "$tmp/have")
  extra=$(comm -13 "$tmp/want" "$tmp/have" | grep '^xhal_cu_')
  if [ -n "$missing" ]; then
    echo "FAIL $image lacks kernels the backend looks up:"
    echo "$missing" | sed 's/^/    /'
    failed=1
  fi
  if [ -n "$extra" ]; then
    echo "FAIL $image has kernels the backend's table does not name:"
    echo "$extra" | sed 's/^/    /'
    failed=1
  fi
  [ -z "$missing" ] && [ -z "$extra" ] && echo "ok   $image: all $expected kernels"
done
images=$(cut -d' ' -f1 "$tmp/found" | sort -u | wc -l)
if [ "$images" -ne 3 ]; then
  echo "FAIL expected 3 images (sm_80, sm_90, compute_90), found $images"
  failed=1
fi

# The OpenCL C programs.
cut -d' ' -f2 "$tmp/found" | sort -u >"$tmp/seen"
for cl in "$@"; do
  base=$(basename "$cl")
  if ! "$python" "$inspect" header "$cl" "$tmp/header" X >"$tmp/log" 2>&1; then
    echo "FAIL $base: $(cat "$tmp/log")"
    failed=1
    continue
  fi
  images=$("$python" "$inspect" list "$cl" | wc -l)
  sed -n 's/^  X(\(.*\)) \\$/\1/p' "$tmp/header" | sort -u >"$tmp/cl"
  count=$(grep -c . "$tmp/cl")
  if [ "$images" -ne 3 ]; then
    echo "FAIL $base: expected 3 images (sm_80, sm_90, compute_90), found $images"
    failed=1
  fi
  hand=$(grep '^xhal_cu_' "$tmp/cl")
  if [ -n "$hand" ]; then
    echo "FAIL $base has hand-written kernel names: $hand"
    failed=1
  fi
  twice=$(comm -12 "$tmp/cl" "$tmp/seen")
  if [ -n "$twice" ]; then
    echo "FAIL $base has kernels another fatbin has too:"
    echo "$twice" | sed 's/^/    /'
    failed=1
  fi
  [ "$images" -eq 3 ] && [ -z "$hand" ] && [ -z "$twice" ] &&
    echo "ok   $base: the same $count kernels in its 3 images, names of their own"
  sort -u "$tmp/seen" "$tmp/cl" >"$tmp/seen2" && mv "$tmp/seen2" "$tmp/seen"
done
exit $failed
