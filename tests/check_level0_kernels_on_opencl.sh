#!/bin/sh
# check_level0_kernels_on_opencl.sh LLVM_SPIRV CONFORMANCE OPENCL_PLUGIN MODULE.spv...
#
# The Level Zero backend's operator kernels, checked for results on an
# OpenCL device, since no Level Zero device is at hand: each SPIR-V module
# (the very files the Level Zero plugin embeds) is translated back to SPIR
# 1.2 bitcode with `LLVM_SPIRV -r`, and the conformance suite's ops area
# runs on the OpenCL backend with XHAL_OPENCL_SPIR_PROGRAMS pointing at
# them: the backend builds its operator programs from that bitcode
# (cl_khr_spir) instead of its OpenCL C sources, with the Level Zero
# build's fixed work-group defines and no dense program, as the Level Zero
# backend launches them. A wrong module (a kernel missing, a helper left
# undefined, a define that disagrees with the planner) fails here.
# Not covered: the Level Zero driver's own compiler and runtime.
# The environment (POCL_CACHE_DIR, XHAL_CACHE_DIR, ...) is the caller's.
# Exit 0 if conformant, 1 otherwise, 77 when the OpenCL device has no
# cl_khr_spir or no device, 2 on usage errors.
set -u

if [ "$#" -lt 4 ]; then
  echo "usage: $0 LLVM_SPIRV CONFORMANCE OPENCL_PLUGIN MODULE.spv..." >&2
  exit 2
fi
llvm_spirv=$1
conformance=$2
plugin=$3
shift 3

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
for module in "$@"; do
  program=$(basename "$module" .spv)
  if ! "$llvm_spirv" -r "$module" -o "$tmp/$program.bc" 2>"$tmp/log"; then
    echo "FAIL $llvm_spirv -r $module: $(cat "$tmp/log")"
    exit 1
  fi
  echo "ok   $module -> SPIR bitcode ($(wc -c <"$tmp/$program.bc") bytes)"
done
XHAL_OPENCL_SPIR_PROGRAMS=$tmp "$conformance" --backend="$plugin" --filter=ops
