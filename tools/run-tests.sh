#!/bin/sh
# The full test suite: install what is missing, build, run every test, then
# build again with AddressSanitizer + UndefinedBehaviorSanitizer and run every
# test there too. Exit status non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
build=${XHAL_BUILD_DIR:-build-test}
asan_build=${XHAL_ASAN_BUILD_DIR:-build-asan}
[ -d "$build" ] || meson setup "$build" --buildtype=debugoptimized
[ -d "$asan_build" ] || meson setup "$asan_build" --buildtype=debug \
  -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false
# PoCL's own kernel cache (tests/meson.build points POCL_CACHE_DIR into each
# build directory) is shared: PoCL keys it by source, options and device,
# so the sanitizer build's OpenCL tests take the kernels the first build
# compiled instead of compiling them again under ASan (188 s -> 63 s for
# conformance-opencl on two cores). The backend's own program cache
# (xhal-cache) stays per build, so both builds run its compile-and-store
# path.
mkdir -p "$build/pocl-cache"
[ -e "$asan_build/pocl-cache" ] || ln -s "$(cd "$build" && pwd)/pocl-cache" "$asan_build/pocl-cache"
status=0
summary=""
for dir in "$build" "$asan_build"; do
  echo "== meson test -C $dir"
  ninja -C "$dir"
  if meson test -C "$dir" --print-errorlogs --num-processes 1; then
    result=ok
  else
    result=FAILED; status=1
  fi
  # meson writes a JSON line per test; count the outcomes for the summary.
  log="$dir/meson-logs/testlog.json"
  passed=$(grep -c '"result": "OK"' "$log" || true)
  failed=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
  skipped=$(grep -c '"result": "SKIP"' "$log" || true)
  summary="$summary$dir: $passed passed, $failed failed, $skipped skipped ($result)
"
done
printf '%s' "$summary"
total_passed=$(printf '%s' "$summary" | awk '{p += $2} END {print p}')
total_failed=$(printf '%s' "$summary" | awk '{f += $4} END {print f}')
total_skipped=$(printf '%s' "$summary" | awk '{s += $6} END {print s}')
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
exit $status
