#!/bin/sh
# test_example_plugin.sh BUILD_DIR [SOURCE_DIR]
#
# Proves that an out-of-tree plugin builds from an installed xhal alone and is
# conformant:
#   1. installs BUILD_DIR (a configured and built meson tree) into a
#      temporary DESTDIR;
#   2. builds examples/minimal-plugin with make, seeing only that
#      installation's xhal.pc (PKG_CONFIG_LIBDIR) and headers
#      (PKG_CONFIG_SYSROOT_DIR maps its prefix into the DESTDIR);
#   3. checks that the plugin exports only xhal_plugin_query_v1;
#   4. runs the installed conformance tool on it (--tier=quick), with the
#      installed libxhal and the installed test plugins, and expects exit 0.
#
# SOURCE_DIR defaults to the directory above this script. Exit status: 0 on
# success, 1 on failure, 77 (meson: SKIP) when make or a C compiler is
# missing.
set -eu

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
  echo "usage: $0 BUILD_DIR [SOURCE_DIR]" >&2
  exit 1
fi
build=$(cd "$1" && pwd)
source_dir=$(cd "${2:-$(dirname "$0")/..}" && pwd)

fail() {
  echo "test_example_plugin: FAIL: $*" >&2
  exit 1
}

command -v make >/dev/null 2>&1 || { echo "test_example_plugin: make not found: SKIP"; exit 77; }
command -v "${CC:-cc}" >/dev/null 2>&1 || { echo "test_example_plugin: ${CC:-cc} not found: SKIP"; exit 77; }
command -v pkg-config >/dev/null 2>&1 || { echo "test_example_plugin: pkg-config not found: SKIP"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xhal-example-plugin.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
root=$tmp/root

echo "== installing $build into $root"
meson install -C "$build" --destdir "$root" --no-rebuild --quiet ||
  fail "meson install -C $build --destdir $root failed"

pc=$(find "$root" -name xhal.pc -type f | head -n 1)
[ -n "$pc" ] || fail "no xhal.pc under $root: the install does not ship a pkg-config file"
header=$(find "$root" -path '*/include/xhal/xhal_plugin.h' -type f | head -n 1)
[ -n "$header" ] || fail "no include/xhal/xhal_plugin.h under $root"
conformance=$(find "$root" -name conformance -type f | head -n 1)
if [ -z "$conformance" ] || [ ! -x "$conformance" ]; then
  fail "no installed conformance tool under $root"
fi
libxhal=$(find "$root" -name 'libxhal.so*' \( -type f -o -type l \) | head -n 1)
[ -n "$libxhal" ] || fail "no installed libxhal.so under $root"
test_plugins=$(find "$root" -type d -name test-plugins | head -n 1)
[ -n "$test_plugins" ] || fail "no installed test-plugins directory under $root"

echo "== building examples/minimal-plugin against $pc"
# Build a copy, so the source tree stays clean and nothing from it is on any
# include path: only the installed headers can be found.
cp -R "$source_dir/examples/minimal-plugin" "$tmp/minimal-plugin"
rm -f "$tmp/minimal-plugin/libxhal-minimal.so"
(
  unset PKG_CONFIG_PATH
  PKG_CONFIG_LIBDIR=$(dirname "$pc")
  PKG_CONFIG_SYSROOT_DIR=$root
  export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
  make -C "$tmp/minimal-plugin"
) || fail "make in examples/minimal-plugin failed against the installed headers"
plugin=$tmp/minimal-plugin/libxhal-minimal.so
[ -f "$plugin" ] || fail "make succeeded but produced no $plugin"

echo "== checking exports"
"$source_dir/tests/check_exports.sh" "$plugin" || fail "the example plugin exports more than its entry"

echo "== conformance --backend=$plugin --tier=quick"
status=0
env LD_LIBRARY_PATH="$(dirname "$libxhal")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    XHAL_CONFORMANCE_PLUGIN_DIR="$test_plugins" \
    XHAL_PLUGIN_PATH= \
    "$conformance" --backend="$plugin" --tier=quick || status=$?
[ "$status" -eq 0 ] || fail "conformance exited with status $status (0 = conformant)"
echo "test_example_plugin: ok"
