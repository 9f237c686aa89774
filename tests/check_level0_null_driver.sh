#!/bin/sh
# Runs `conformance` on the Level Zero backend over the loader's null driver.
#
#   tests/check_level0_null_driver.sh CONFORMANCE PLUGIN API_FILTER
#
# The null driver accepts every call but its copies, fills and kernels do
# nothing, so only the API-path cases (API_FILTER) can be judged: they run and
# must be conformant. Every other case checks data the null driver never
# writes; they are listed as NOT VERIFIABLE here (count per area, and names)
# rather than run and passed. The `ops` cases (in API_FILTER) are NOT_SUPPORTED
# on the null driver, but the plugin validates, plans and finds the kernels
# of each one before it refuses it: so every `ops` case must be refused with
# the null driver's reason ("results cannot be verified"), not earlier (an
# operator or dtype Level Zero does not declare, a plan or kernel missing),
# or this script fails and names them. Meant to be run by
# build_ze_null_driver.sh, which sets ZE_ENABLE_ALT_DRIVERS;
# docs/level0-backend.md says why each excluded case reads data back.
set -eu
conformance=$1
plugin=$2
filter=$3
all=$(mktemp)
api=$(mktemp)
report=$(mktemp)
trap 'rm -f "$all" "$api" "$report"' EXIT
"$conformance" --list >"$all"
"$conformance" --list --filter="$filter" >"$api"
unverifiable=$(grep -v -x -F -f "$api" "$all" | wc -l)
echo "NOT VERIFIABLE on the Level Zero null driver (its copies and kernels do nothing): $unverifiable of $(wc -l <"$all") cases, by area:"
grep -v -x -F -f "$api" "$all" | cut -d. -f1 | sort | uniq -c | sed 's/^/    /'
echo "API-path cases run: $(wc -l <"$api")"
status=0
"$conformance" --backend="$plugin" --timeout=300 --filter="$filter" --report=json:"$report" ||
    status=$?

# One line per case in the JSON report.
reason='results cannot be verified on the Level Zero null driver'
ops=$(grep -c '^ *{"name": "ops\.' "$report" || true)
early=$(grep '^ *{"name": "ops\.' "$report" | grep -v -F "$reason" || true)
if [ -n "$early" ]; then
    echo "FAIL: $(printf '%s\n' "$early" | wc -l) of $ops ops cases were not refused with the null driver's reason (\"$reason\"), so they were not planned:"
    printf '%s\n' "$early" | head -n 20 | sed 's/^ */    /'
    [ "$status" -ne 0 ] || status=1
else
    echo "ops: all $ops cases validated, planned and their kernels found in the SPIR-V before the null driver's refusal"
fi
exit "$status"
