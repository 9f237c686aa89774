#!/bin/sh
# check_spirv.sh MODULE.spv...
#
# Validates every SPIR-V module the Level Zero backend generated at build
# time (backends/level0: the OpenCL backend's kernels through clang-14 and
# llvm-spirv-14 --spirv-max-version=1.2) with spirv-val from spirv-tools, for
# the OpenCL 2.2 environment (SPIR-V 1.2). Exit 0 if all are valid, 1 if one is
# not, 77 (skip) when spirv-val is not installed, 2 on usage errors.
set -u

if [ $# -eq 0 ]; then
    echo "usage: $0 MODULE.spv..." >&2
    exit 2
fi
SPIRV_VAL=${SPIRV_VAL:-spirv-val}
if ! command -v "$SPIRV_VAL" >/dev/null 2>&1; then
    echo "check_spirv: $SPIRV_VAL not found (Debian: spirv-tools)" >&2
    exit 77
fi

failed=0
for module in "$@"; do
    if out=$("$SPIRV_VAL" --target-env opencl2.2 "$module" 2>&1); then
        echo "ok   $module"
    else
        echo "FAIL $module"
        printf '%s\n' "$out" | sed 's/^/    /'
        failed=1
    fi
done
exit $failed
