#!/bin/sh
# check_exports.sh PLUGIN...
#
# Fails unless every PLUGIN exports exactly one symbol of its own: the
# function xhal_plugin_query_v1 (docs/abi.md, "One exported symbol"). A
# second exported function or variable is a leak: it can clash with another
# plugin or the application, and becomes ABI that nobody promised.
#
# The only other defined dynamic symbols tolerated are the ones the linker
# itself adds to every shared object, and only these exact names:
#   _init _fini                 ELF init/fini entry points (older toolchains)
#   __bss_start _edata _end     section boundary markers
# plus, when the entry carries a symbol version (xhal_plugin_query_v1@@NODE),
# the absolute symbol that defines that version node.
#
# Environment: NM (default nm). Exit 0 if all plugins pass, 1 otherwise,
# 2 on usage errors.
set -u
set -f  # symbol names are data: no pathname expansion when splitting lines

if [ "$#" -eq 0 ]; then
  echo "usage: $0 PLUGIN..." >&2
  exit 2
fi

nm_tool=${NM:-nm}
entry=xhal_plugin_query_v1
linker_symbols=" _init _fini __bss_start _edata _end "
failed=0

for plugin in "$@"; do
  if [ ! -f "$plugin" ]; then
    echo "FAIL $plugin: no such file" >&2
    failed=1
    continue
  fi
  if ! symbols=$("$nm_tool" -D --defined-only "$plugin" 2>&1); then
    echo "FAIL $plugin: $nm_tool -D --defined-only failed: $symbols" >&2
    failed=1
    continue
  fi

  # Lines are "VALUE TYPE NAME[@[@]VERSION]" (VALUE may be blank for some
  # absolute symbols, so read the last two fields).
  entry_type=""
  entry_version=""
  extra=""
  absolute=""
  while read -r line; do
    [ -n "$line" ] || continue
    # shellcheck disable=SC2086 # splitting into fields is the point (globbing is off)
    set -- $line
    if [ "$#" -ge 3 ]; then
      type=$2 name=$3
    elif [ "$#" -eq 2 ]; then
      type=$1 name=$2
    else
      continue
    fi
    base=${name%%@*}
    if [ "$base" = "$entry" ]; then
      entry_type=$type
      case "$name" in *@*) entry_version=${name##*@} ;; esac
    elif [ "$type" = "A" ]; then
      absolute="$absolute $base"
    else
      case "$linker_symbols" in
        *" $base "*) ;;
        *) extra="$extra
    $type $name" ;;
      esac
    fi
  done <<EOF
$symbols
EOF

  # Absolute symbols: linker markers, or the version node of the entry.
  for name in $absolute; do
    case "$linker_symbols" in
      *" $name "*) continue ;;
    esac
    if [ -n "$entry_version" ] && [ "$name" = "$entry_version" ]; then
      continue
    fi
    extra="$extra
    A $name"
  done

  problems=""
  if [ -z "$entry_type" ]; then
    problems="$problems
  - $entry is not exported"
  elif [ "$entry_type" != "T" ]; then
    problems="$problems
  - $entry is exported with nm type '$entry_type', expected 'T' (a global function)"
  fi
  if [ -n "$extra" ]; then
    problems="$problems
  - other exported symbols (build with -fvisibility=hidden and mark only the entry
    XHAL_PLUGIN_EXPORT):$extra"
  fi

  if [ -n "$problems" ]; then
    echo "FAIL $plugin:$problems" >&2
    failed=1
  else
    echo "ok   $plugin: exports only $entry"
  fi
done

exit $failed
