#!/bin/sh
# check_cuda_emulated.sh CONFORMANCE PLUGIN EMULATOR TEST_PLUGIN_DIR [ONNX_NODE_DIR]
#
# Runs the conformance suite against the CUDA backend on the driver
# emulator (backends/cuda/emu: EMULATOR is libcuda-emu.so, put on
# LD_LIBRARY_PATH as libcuda.so.1), which executes the backend's real CUDA
# kernel sources compiled for the host. Every runtime path (contexts,
# memory, staging, streams, events, callbacks, modules) and every operator
# kernel runs end to end without a GPU:
#   1. info, abi, mem, stream, event, loader, (host-staged) coll and
#      xbackend (needs the CPU backend on XHAL_PLUGIN_PATH) with 4 emulated
#      devices;
#   2. every ops case (quick tier);
#   3. with ONNX_NODE_DIR, the official ONNX node tests.
# NCCL is switched off (XHAL_CUDA_NCCL_LIBRARY=none): it needs real GPUs.
# Exit 0 if every run is conformant, 1 otherwise, 2 on usage errors.
set -u

if [ "$#" -lt 4 ] || [ "$#" -gt 5 ]; then
  echo "usage: $0 CONFORMANCE PLUGIN EMULATOR TEST_PLUGIN_DIR [ONNX_NODE_DIR]" >&2
  exit 2
fi
conformance=$1
plugin=$2
emulator=$(cd "$(dirname "$3")" && pwd)/$(basename "$3") || exit 2
test_plugins=$4
onnx=${5:-}

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
ln -s "$emulator" "$tmp/libcuda.so.1" || exit 2
failed=0

run() {
  name=$1
  shift
  echo "== $name"
  env LD_LIBRARY_PATH="$tmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" XHAL_CUDA_NCCL_LIBRARY=none \
    XHAL_CONFORMANCE_PLUGIN_DIR="$test_plugins" "$@"
  code=$?
  if [ "$code" -ne 0 ]; then
    echo "FAIL $name: conformance exited $code"
    failed=1
  fi
}

run runtime XHAL_CUDA_EMU_DEVICES=4 "$conformance" --backend="$plugin" \
  --filter=info,abi,mem,stream,event,loader,coll,xbackend --jobs=2
run ops XHAL_CUDA_EMU_DEVICES=1 "$conformance" --backend="$plugin" --filter=ops --jobs=2
if [ -n "$onnx" ]; then
  run onnx XHAL_CUDA_EMU_DEVICES=1 "$conformance" --backend="$plugin" --onnx-tests="$onnx" \
    --filter=onnx --jobs=2
fi
exit $failed
