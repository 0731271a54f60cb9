#!/usr/bin/env bash
# Measures Kafkascope: download size, engine throughput, and time to first frame.
#   1. gzipped size of what the browser downloads (wasm + js + css of the release build)
#   2. native engine throughput on scenarios/bench-100k.toml (criterion; events per second)
#   3. time from navigation to the first rendered frame in headless Chromium (median of 5)
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
main
cd "$KS_ROOT"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"

say "Release build"
run_logged "trunk build --release" "run 'trunk build --offline --release' to see the error" \
  trunk build --offline --release

say "1. Download size (gzip -9)"
total_raw=0
total_gz=0
for f in dist/*.wasm dist/*.js dist/*.css; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '    %-48s %8d bytes  %8d gzipped\n' "$(basename "$f")" "$raw" "$gz"
done
printf '    %-48s %8d bytes  %8d gzipped\n' "total (wasm + js + css)" "$total_raw" "$total_gz"

say "2. Engine throughput (native, criterion)"
cargo bench -q -p kafkascope-engine --bench throughput 2>&1 | grep -E "^engine/|time:|thrpt:" | awk 'NR <= 3' | sed 's/^/    /'

say "3. Time to first frame (headless Chromium)"
cargo run -q --release -p kafkascope-browser-tests --bin first-frame | sed 's/^/    /'
