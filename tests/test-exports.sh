#!/usr/bin/env bash
# The plugin's dynamic symbol table holds exactly the functions the public header declares
# (today paiban_plugin_v1) and nothing of the statically linked core; its soname carries the
# major version. Usage: test-exports.sh PLUGIN.so HEADER   (TAP output)
set -u
so=$1
header=$2
n=0
ok () { n=$((n + 1)); echo "ok $n $1"; }
not_ok () { n=$((n + 1)); echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }

# Documented: the functions declared at file scope in the header (not typedefs, not members).
documented=$(grep -E '^[a-z_].*[ *]paiban_[a-z0-9_]+ \(' "$header" | grep -v '^typedef' \
  | sed -E 's/.*[ *](paiban_[a-z0-9_]+) \(.*/\1/' | sort)
exported=$(nm -D --defined-only "$so" | awk '{print $NF}' | sed 's/@.*//' | sort)

if [ "$documented" = "paiban_plugin_v1" ]; then
  ok "the header declares paiban_plugin_v1"
else
  not_ok "the header declares paiban_plugin_v1" "declared: $(echo $documented)"
fi
if [ -n "$exported" ] && [ "$exported" = "$documented" ]; then
  ok "nm -D --defined-only lists exactly the documented symbols"
else
  not_ok "nm -D --defined-only lists exactly the documented symbols" \
    "documented: $(echo $documented)" "exported: $(echo $exported)"
fi
kind=$(nm -D --defined-only "$so" | awk '$NF ~ /^paiban_plugin_v1(@|$)/ {print $2}')
if [ "$kind" = T ]; then ok "paiban_plugin_v1 is a function"; else not_ok "paiban_plugin_v1 is a function" "nm type: $kind"; fi

soname=$(readelf -d "$so" | sed -nE 's/.*\(SONAME\).*\[(.*)\].*/\1/p')
if [ "$soname" = libpaiban.so.0 ]; then ok "soname libpaiban.so.0"; else not_ok "soname libpaiban.so.0" "soname: $soname"; fi

# Core functions (pb_*) must not be visible even as weak or versioned symbols.
leaked=$(nm -D "$so" | awk '$NF ~ /^pb_/' | head -5)
if [ -z "$leaked" ]; then ok "no core symbol in the dynamic table"; else not_ok "no core symbol in the dynamic table" "$leaked"; fi

echo "1..$n"
