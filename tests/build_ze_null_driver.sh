#!/bin/sh
# Build the Level Zero loader's null driver (libze_null.so.1) from Debian's
# level-zero source package, without touching the system's apt configuration.
#
#   tests/build_ze_null_driver.sh OUTDIR [-- COMMAND [ARG...]]
#
# On success OUTDIR/libze_null.so.1 exists and its path is printed on stdout;
# with a COMMAND, the script then runs it with ZE_ENABLE_ALT_DRIVERS naming
# the library (so the Level Zero loader sees the null driver and only it) and
# exits with its status (the meson tests of the Level Zero backend use this).
# A library already present in OUTDIR is reused (cache: build once per build
# directory). Exits 77 (meson "skip") with the reason on stderr when the
# library cannot be built (no deb-src access, no cmake, ...). The recipe is
# the one of ENVIRONMENT.md; it leaves the system's apt configuration alone.
set -eu

usage() {
    echo "usage: $0 OUTDIR [-- COMMAND [ARG...]]" >&2
    exit 2
}
[ $# -ge 1 ] || usage
out=$1
shift
if [ $# -gt 0 ]; then
    [ "$1" = "--" ] && [ $# -ge 2 ] || usage
    shift
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
lib=$out/libze_null.so.1

done_with() {
    if [ $# -gt 0 ]; then
        ZE_ENABLE_ALT_DRIVERS=$lib
        export ZE_ENABLE_ALT_DRIVERS
        exec "$@"
    fi
    echo "$lib"
    exit 0
}

if [ -f "$lib" ]; then
    done_with "$@"
fi

skip() {
    echo "build_ze_null_driver: cannot build the null driver: $*" >&2
    exit 77
}

for tool in apt-get cmake ninja tar c++; do
    command -v "$tool" >/dev/null 2>&1 || skip "'$tool' not found"
done
[ -r /etc/apt/sources.list.d/debian.sources ] ||
    skip "/etc/apt/sources.list.d/debian.sources not readable"

# Serialise concurrent builds (several tests may ask at once).
lock=$out/.build.lock
exec 9>"$lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi
if [ -f "$lib" ]; then
    done_with "$@"
fi

d=$(mktemp -d "$out/ze-src.XXXXXX")
trap 'rm -rf "$d"' EXIT
log=$out/build_ze_null_driver.log
: >"$log"

mkdir -p "$d/lists/partial"
sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
    >"$d/src.sources"
o="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$d -o Dir::State::Lists=$d/lists -o Debug::NoLocking=1"
# shellcheck disable=SC2086
apt-get $o update >>"$log" 2>&1 ||
    skip "apt-get update with deb-src failed (see $log)"
# shellcheck disable=SC2086
(cd "$d" && apt-get $o source --download-only level-zero) >>"$log" 2>&1 ||
    skip "apt-get source level-zero failed (see $log)"

tarball=
for t in "$d"/level-zero_*.orig.tar.*; do
    [ -f "$t" ] && tarball=$t
done
[ -n "$tarball" ] || skip "no level-zero orig tarball downloaded (see $log)"
tar xf "$tarball" -C "$d" >>"$log" 2>&1 || skip "cannot unpack $tarball"
src=
for s in "$d"/level-zero-*/; do
    [ -f "$s/CMakeLists.txt" ] && src=$s
done
[ -n "$src" ] || skip "unpacked source has no CMakeLists.txt"

mkdir -p "$src/b"
(cd "$src/b" && cmake .. -G Ninja -DCMAKE_BUILD_TYPE=Release &&
    ninja -j2 ze_null) >>"$log" 2>&1 || skip "cmake/ninja ze_null failed (see $log)"

built=$src/b/lib/libze_null.so.1
[ -f "$built" ] || skip "ze_null built but $built is missing"
cp "$built" "$lib.tmp"
mv "$lib.tmp" "$lib"
rm -rf "$d"
trap - EXIT
exec 9>&-
done_with "$@"
