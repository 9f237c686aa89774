#!/bin/sh
# The main job: install what is missing, build xhal, and run `conformance` on
# every backend that has a device here. Exit status: 0 when every backend
# with a device is conformant.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
build=${XHAL_BUILD_DIR:-build}
[ -d "$build" ] || meson setup "$build" --buildtype=release
ninja -C "$build"
export XHAL_PLUGIN_PATH="$PWD/$build/backends/cpu"
export XHAL_CONFORMANCE_PLUGIN_DIR="$PWD/$build/tests/plugins"
status=0
for plugin in "$build"/backends/*/libxhal-*.so; do
  [ -e "$plugin" ] || continue
  name=$(basename "$plugin" .so); name=${name#libxhal-}
  echo "== conformance --backend=$name"
  set +e
  "$build/conformance/conformance" --backend="$plugin"
  code=$?
  set -e
  case $code in
    0) echo "== $name: conformant" ;;
    77) echo "== $name: no device here (skipped)" ;;
    *) echo "== $name: exit $code"; status=1 ;;
  esac
done
exit $status
