#!/usr/bin/env bash
# The engine's floor under the first-frame download (README, Performance): builds
# tools/engine-floor — a wasm module that does with the engine everything the page does before
# its first frame of a link (decode the link, read the scenario, record the run, decide the
# fates, build the world at the link's instant) and nothing of the page — with the page's build
# profile and the wasm-opt settings of index.html, and prints its size, gzipped (-9), beside the
# page's own wasm when dist/ holds a release build.
#   scripts/engine-floor.sh
# Run by scripts/bench.sh; not by the test command (it is a measurement, not a check).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
main
cd "$KS_ROOT"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run_logged "cargo build -p kafkascope-engine-floor" "run 'cargo build --profile page --target wasm32-unknown-unknown -p kafkascope-engine-floor' to see the error" \
  cargo build -q --profile page --target wasm32-unknown-unknown -p kafkascope-engine-floor --lib
wasm-bindgen --target web --out-dir "$out" target/wasm32-unknown-unknown/page/kafkascope_engine_floor.wasm
# The page's wasm-opt settings, read from index.html so the two stay in step.
params=$(grep -o 'data-wasm-opt-params="[^"]*"' index.html | head -n 1 | sed 's/^data-wasm-opt-params="//; s/"$//')
# shellcheck disable=SC2086 # the settings are separate words
wasm-opt -Oz $params "$out/kafkascope_engine_floor_bg.wasm" -o "$out/floor.wasm"
size() { printf '    %-48s %8d bytes  %8d gzipped\n' "$1" "$(stat -c %s "$2")" "$(gzip -9 -c "$2" | wc -c)"; }
size "the engine's part of a first frame (wasm)" "$out/floor.wasm"
for page in dist/kafkascope-*_bg.wasm; do
  [ -f "$page" ] && size "the page's wasm (dist/, for comparison)" "$page"
done
