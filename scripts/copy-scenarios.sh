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
# here, so it never asks for one that is not. The names are checked against the rule links use
# (`is_scenario_name` in engine/src/session/link.rs), so they are safe in JS and in sed.
names=""
for f in "$TRUNK_STAGING_DIR"/scenarios/*.json; do
  name=$(basename "$f" .json)
  [[ "$name" =~ ^[a-z0-9-]+$ ]] || { echo "copy-scenarios: scenario file name $name is not lower-case letters, digits and dashes" >&2; exit 1; }
  names+="\"$name\","
done
boot="$TRUNK_STAGING_DIR/boot.js"
grep -q '/\* built-in scenario names \*/' "$boot" || { echo "copy-scenarios: no name list to fill in $boot" >&2; exit 1; }
sed -i "s|/\* built-in scenario names \*/|${names%,}|" "$boot"
# A release build ships boot.js minified (Trunk copies it as written): its comments are for
# readers of static/boot.js. esbuild: see scripts/minify-app-js.sh.
if [ "${TRUNK_PROFILE:-}" = "release" ]; then
  command -v esbuild >/dev/null 2>&1 ||
    { echo "copy-scenarios: no esbuild on PATH; run scripts/setup.sh (it installs it under ~/.cache/kafkascope/npm)" >&2; exit 1; }
  esbuild --minify --format=esm --log-level=warning "$boot" --outfile="$boot.min"
  mv "$boot.min" "$boot"
fi
