#!/bin/sh
# check_cuda_kernels.sh PYTHON FATBIN_INSPECT FATBIN KERNEL_NAMES PLANNED_KERNELS
#
# Every operator kernel the CUDA backend can launch must be present by
# name in every image of FATBIN, the one fatbin embedded in the plugin
# (the sm_80 and sm_90 cubins' function symbols, the compute_90 PTX's
# .entry directives):
#   - KERNEL_NAMES: the hand-written kernels, one per line, written at
#     build time from the plugin's own table by cu_kernel_list; and no
#     image may hold an xhal_cu_* kernel the table does not name;
#   - PLANNED_KERNELS: "<program> <kernel>" for every kernel the shared
#     launch planners can launch (xop_kernel_list, from the catalogues
#     that name every launch), of the OpenCL C programs the CUDA backend
#     compiles (shape conv unary gather resize binary binary_fp64 norm).
# The three images must hold the same kernels.
# Exit 0 if so, 1 otherwise, 2 on usage errors.
set -u

if [ "$#" -ne 5 ]; then
  echo "usage: $0 PYTHON FATBIN_INSPECT FATBIN KERNEL_NAMES PLANNED_KERNELS" >&2
  exit 2
fi
python=$1
inspect=$2
fatbin=$3
names=$4
planned=$5
cuda_programs='shape conv unary gather resize binary binary_fp64 norm'

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$python" "$inspect" kernels "$fatbin" >"$tmp/found" 2>"$tmp/log"; then
  echo "FAIL $fatbin: $(cat "$tmp/log")"
  exit 1
fi
sort -u "$names" >"$tmp/hand"
: >"$tmp/cl"
for program in $cuda_programs; do
  grep "^$program " "$planned" | cut -d' ' -f2 >>"$tmp/cl"
done
sort -u -o "$tmp/cl" "$tmp/cl"
hand_count=$(grep -c . "$tmp/hand")
cl_count=$(grep -c . "$tmp/cl")
if [ "$hand_count" -eq 0 ] || [ "$cl_count" -eq 0 ]; then
  echo "FAIL no kernels to look for: $names lists $hand_count, $planned $cl_count"
  exit 1
fi

failed=0
first=""
for image in $(cut -d' ' -f1 "$tmp/found" | sort -u); do
  grep "^$image " "$tmp/found" | cut -d' ' -f2 | sort -u >"$tmp/have.$image"
  missing=$(comm -23 "$tmp/hand" "$tmp/have.$image")
  extra=$(comm -13 "$tmp/hand" "$tmp/have.$image" | grep '^xhal_cu_')
  unplanned=$(comm -23 "$tmp/cl" "$tmp/have.$image")
  if [ -n "$missing" ]; then
    echo "FAIL $image lacks hand-written kernels the backend looks up:"
    echo "$missing" | sed 's/^/    /'
    failed=1
  fi
  if [ -n "$extra" ]; then
    echo "FAIL $image has xhal_cu_* kernels the backend's table does not name:"
    echo "$extra" | sed 's/^/    /'
    failed=1
  fi
  if [ -n "$unplanned" ]; then
    echo "FAIL $image lacks kernels the launch planners can launch:"
    echo "$unplanned" | sed 's/^/    /'
    failed=1
  fi
  if [ -z "$missing" ] && [ -z "$extra" ] && [ -z "$unplanned" ]; then
    echo "ok   $image: all $hand_count hand-written and all $cl_count planned kernels"
  fi
  if [ -z "$first" ]; then
    first=$image
  elif ! cmp -s "$tmp/have.$first" "$tmp/have.$image"; then
    echo "FAIL $first and $image hold different kernels:"
    comm -3 "$tmp/have.$first" "$tmp/have.$image" | sed 's/^\s*/    /'
    failed=1
  fi
done
images=$(cut -d' ' -f1 "$tmp/found" | sort -u | wc -l)
if [ "$images" -ne 3 ]; then
  echo "FAIL expected 3 images (sm_80, sm_90, compute_90), found $images"
  failed=1
fi
exit $failed
