#!/bin/sh
# Runs `conformance` on the Level Zero backend over the loader's null driver.
#
#   tests/check_level0_null_driver.sh CONFORMANCE PLUGIN API_FILTER
#
# The null driver accepts every call but its copies, fills and kernels do
# nothing, so only the API-path cases (API_FILTER) can be judged: they run and
# must be conformant. Every other case checks data the null driver never
# writes; they are listed as NOT VERIFIABLE here (count per area, and names)
# rather than run and passed. Meant to be run by build_ze_null_driver.sh,
# which sets ZE_ENABLE_ALT_DRIVERS; docs/level0-backend.md says why each
# excluded case reads data back.
set -eu
conformance=$1
plugin=$2
filter=$3
all=$(mktemp)
api=$(mktemp)
trap 'rm -f "$all" "$api"' EXIT
"$conformance" --list >"$all"
"$conformance" --list --filter="$filter" >"$api"
unverifiable=$(grep -v -x -F -f "$api" "$all" | wc -l)
echo "NOT VERIFIABLE on the Level Zero null driver (its copies and kernels do nothing): $unverifiable of $(wc -l <"$all") cases, by area:"
grep -v -x -F -f "$api" "$all" | cut -d. -f1 | sort | uniq -c | sed 's/^/    /'
echo "API-path cases run: $(wc -l <"$api")"
exec "$conformance" --backend="$plugin" --timeout=300 --filter="$filter"
