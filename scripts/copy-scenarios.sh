#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): puts the built-in scenarios, as JSON, beside the page
# (scenarios/NAME.json). build.rs writes them to <target dir>/kafkascope-scenarios/ during the
# cargo build Trunk has just run; the page fetches only the one it opens (src/scenarios/builtin.rs).
set -euo pipefail
: "${TRUNK_STAGING_DIR:?run by Trunk as a post_build hook}"
root="${TRUNK_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
# The same rule as build.rs: $CARGO_TARGET_DIR, else ./target.
from="${CARGO_TARGET_DIR:-$root/target}/kafkascope-scenarios"
if ! ls "$from"/*.json >/dev/null 2>&1; then
  echo "copy-scenarios: no built-in scenarios in $from (build.rs writes them during the cargo build)" >&2
  exit 1
fi
mkdir -p "$TRUNK_STAGING_DIR/scenarios"
cp "$from"/*.json "$TRUNK_STAGING_DIR/scenarios/"
# boot.js fetches the scenario a link names while the wasm downloads: it gets the list of files
# here, so it never asks for one that is not.
names=$(cd "$TRUNK_STAGING_DIR/scenarios" && for f in *.json; do printf '"%s",' "${f%.json}"; done)
boot="$TRUNK_STAGING_DIR/boot.js"
grep -q '/\* built-in scenario names \*/' "$boot" || { echo "copy-scenarios: no name list to fill in $boot" >&2; exit 1; }
sed -i "s|/\* built-in scenario names \*/|${names%,}|" "$boot"
