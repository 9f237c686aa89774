#!/bin/sh
# check_spirv.sh [--float64=FILE.spv] [--planned=KERNELS [--not-built=P,...]] MODULE.spv...
#
# Validates every SPIR-V module the Level Zero backend generated at build
# time (backends/level0: the OpenCL backend's kernels through clang-14 and
# llvm-spirv-14 --spirv-max-version=1.2) with spirv-val from spirv-tools, for
# the OpenCL 2.2 environment (SPIR-V 1.2). With --float64, only the module
# named FILE.spv may declare the Float64 capability (spirv-dis): a driver
# refuses to build a module that declares it on a device without fp64, so
# a double anywhere else would cost that device every operator of the
# module. No module may import a symbol but the built-in variables (a
# function left undefined fails to link on every driver). With --planned,
# KERNELS lists "<program> <kernel>" for every
# kernel the shared launch planners can launch (xop_kernel_list); each must
# be an OpEntryPoint of its program's module <program>.spv, and every
# program must have a module but those --not-built names (eltwise_dense:
# the Level Zero backend plans without the dense build). Exit 0 if all
# hold, 1 if one does not, 77 (skip) when spirv-val or spirv-dis is not
# installed, 2 on usage errors.
set -u

float64_only=
planned=
not_built=
while :; do
    case ${1:-} in
        --float64=*) float64_only=${1#--float64=}; shift ;;
        --planned=*) planned=${1#--planned=}; shift ;;
        --not-built=*) not_built=$(echo "${1#--not-built=}" | tr ',' ' '); shift ;;
        *) break ;;
    esac
done
if [ $# -eq 0 ]; then
    echo "usage: $0 [--float64=FILE.spv] [--planned=KERNELS [--not-built=P,...]] MODULE.spv..." >&2
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
    # A driver links a module on its own: an imported function (a helper
    # the compiler left undefined) fails zeModuleCreate on every device,
    # while the loader's null driver takes it. Only the built-in variables
    # (__spirv_BuiltIn*) may be imports.
    imports=$("$SPIRV_DIS" "$module" | sed -n 's/.*LinkageAttributes "\([^"]*\)" Import.*/\1/p' |
        grep -v '^__spirv_BuiltIn')
    if [ -n "$imports" ]; then
        echo "FAIL $module imports symbols it does not define:" $imports
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

if [ -n "$planned" ]; then
    tmp=$(mktemp -d) || exit 2
    trap 'rm -rf "$tmp"' EXIT INT TERM
    for program in $(cut -d' ' -f1 "$planned" | sort -u); do
        case " $not_built " in *" $program "*) continue ;; esac
        module=
        for m in "$@"; do
            [ "$(basename "$m")" = "$program.spv" ] && module=$m
        done
        if [ -z "$module" ]; then
            echo "FAIL the planners launch kernels of $program, which has no module"
            failed=1
            continue
        fi
        grep "^$program " "$planned" | cut -d' ' -f2 | sort -u >"$tmp/want"
        "$SPIRV_DIS" "$module" | sed -n 's/^ *OpEntryPoint Kernel %[^ ]* "\([^"]*\)".*/\1/p' |
            sort -u >"$tmp/have"
        missing=$(comm -23 "$tmp/want" "$tmp/have")
        if [ -n "$missing" ]; then
            echo "FAIL $module lacks kernels the launch planners can launch:"
            echo "$missing" | sed 's/^/    /'
            failed=1
        else
            echo "ok   $module: all $(grep -c . "$tmp/want") planned kernels are entry points"
        fi
    done
fi
exit $failed
