#!/bin/sh
# Checks the documented exit codes and usage errors of `conformance`.
# usage: check_conformance_cli.sh CONFORMANCE CPU_PLUGIN
set -u
conformance=$1
plugin=$2
failures=0

expect() { # expect CODE DESCRIPTION -- COMMAND...
  want=$1; what=$2; shift 3
  "$@" >/tmp/xhal-cli-$$.out 2>&1
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; sed 's/^/    /' /tmp/xhal-cli-$$.out
    failures=$((failures + 1))
  else
    echo "ok: $what (exit $got)"
  fi
}

expect 2 "no --backend" -- "$conformance"
expect 2 "unknown option" -- "$conformance" --backend="$plugin" --frobnicate
expect 2 "bad tier" -- "$conformance" --backend="$plugin" --tier=medium
expect 2 "bad shard" -- "$conformance" --backend="$plugin" --shard=3/2
expect 2 "bad report" -- "$conformance" --backend="$plugin" --report=xml:out.xml
expect 0 "list" -- "$conformance" --list
expect 3 "missing plugin file" -- "$conformance" --backend=/nonexistent/libxhal-nothing.so
expect 3 "unknown backend name" -- "$conformance" --backend=no_such_backend
XHAL_CPU_DEVICES=0 expect 77 "no device" -- "$conformance" --backend="$plugin"

expect 2 "missing --onnx-tests directory" -- "$conformance" --backend="$plugin" --onnx-tests=/nonexistent
if [ -d /usr/share/libonnx-testdata/data/node/test_abs ]; then
  "$conformance" --list --onnx-tests=/usr/share/libonnx-testdata/data/node/test_abs | grep -qx onnx.test_abs ||
    { echo "FAIL: --onnx-tests=DIR --list does not list onnx.test_abs"; failures=$((failures + 1)); }
fi

# A filtered run writes both reports, and the JSON names the seed.
dir=$(mktemp -d)
expect 0 "filtered run with reports" -- "$conformance" --backend="$plugin" --filter=info --seed=7 \
  --report=junit:"$dir/r.xml",json:"$dir/r.json"
grep -q '"seed": 7' "$dir/r.json" || { echo "FAIL: json report lacks the seed"; failures=$((failures + 1)); }
grep -q '<testcase classname="info"' "$dir/r.xml" || { echo "FAIL: junit report lacks info cases"; failures=$((failures + 1)); }
# Sharding partitions the list.
all=$("$conformance" --list | wc -l)
s0=$("$conformance" --list --shard=0/3 | wc -l)
s1=$("$conformance" --list --shard=1/3 | wc -l)
s2=$("$conformance" --list --shard=2/3 | wc -l)
[ $((s0 + s1 + s2)) -eq "$all" ] || { echo "FAIL: shards $s0+$s1+$s2 != $all"; failures=$((failures + 1)); }
rm -rf "$dir" /tmp/xhal-cli-$$.out
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
