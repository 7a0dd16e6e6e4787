#!/usr/bin/env bash
# Rewrites the layout dump goldens (tests/layout/NAME.dump, the cases in tests/layout/cases.list)
# with the `paiban` of a build. For a change that is meant to move things on the page: run it,
# read `git diff tests/layout` (every moved line, run and glyph is there) and commit the goldens
# with the change. `meson compile -C BUILD_DIR update-dumps` does the same.
# Usage: tools/update-dumps.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: tools/update-dumps.sh BUILD_DIR}
export PAIBAN_DATADIR=$root
exec "$root/tests/test-layout-dump.sh" "$build/plugin/paiban" "$root" --update
