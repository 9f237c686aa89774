#!/bin/sh
# check_spirv.sh [--float64=FILE.spv] MODULE.spv...
#
# Validates every SPIR-V module the Level Zero backend generated at build
# time (backends/level0: the OpenCL backend's kernels through clang-14 and
# llvm-spirv-14 --spirv-max-version=1.2) with spirv-val from spirv-tools, for
# the OpenCL 2.2 environment (SPIR-V 1.2). With --float64, only the module
# named FILE.spv may declare the Float64 capability (spirv-dis): a driver
# refuses to build a module that declares it on a device without fp64, so
# a double anywhere else would cost that device every operator of the
# module. Exit 0 if all hold, 1 if one does not, 77 (skip) when spirv-val
# or spirv-dis is not installed, 2 on usage errors.
set -u

float64_only=
case ${1:-} in
    --float64=*) float64_only=${1#--float64=}; shift ;;
esac
if [ $# -eq 0 ]; then
    echo "usage: $0 [--float64=FILE.spv] MODULE.spv..." >&2
    exit 2
fi
SPIRV_VAL=${SPIRV_VAL:-spirv-val}
SPIRV_DIS=${SPIRV_DIS:-spirv-dis}
for tool in "$SPIRV_VAL" "$SPIRV_DIS"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "check_spirv: $tool not found (Debian: spirv-tools)" >&2
        exit 77
    fi
done

failed=0
for module in "$@"; do
    if ! out=$("$SPIRV_VAL" --target-env opencl2.2 "$module" 2>&1); then
        echo "FAIL $module"
        printf '%s\n' "$out" | sed 's/^/    /'
        failed=1
        continue
    fi
    if [ -n "$float64_only" ] && [ "$(basename "$module")" != "$float64_only" ] &&
        "$SPIRV_DIS" "$module" | grep -q -E '^ *OpCapability Float64$'; then
        echo "FAIL $module declares the Float64 capability (only $float64_only may)"
        failed=1
        continue
    fi
    echo "ok   $module"
done
exit $failed
