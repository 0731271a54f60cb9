#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml), release builds only: minifies the app's JS glue (what
# wasm-bindgen writes beside the wasm) with esbuild, and updates its integrity hash in index.html.
# Trunk's own minifier cannot parse that file (`export { … as default }`) and ships it as written;
# minified, the first frame downloads about 2 KB (gzipped) less. scripts/setup.sh installs esbuild.
set -euo pipefail
: "${TRUNK_STAGING_DIR:?run by Trunk as a post_build hook}"
[ "${TRUNK_PROFILE:-}" = "release" ] || exit 0
html="$TRUNK_STAGING_DIR/index.html"
# The app's module: the one index.html preloads (the TOML reader's worker script is not).
js=$(grep -o 'kafkascope-[0-9a-f]*\.js' "$html" | head -n 1)
[ -n "$js" ] || { echo "minify-app-js: index.html names no kafkascope-HASH.js" >&2; exit 1; }
# A file's Subresource Integrity value, as Trunk writes it (node comes with npm, which setup needs).
sri() {
  node -e 'const crypto = require("crypto"), fs = require("fs");
    process.stdout.write("sha384-" + crypto.createHash("sha384").update(fs.readFileSync(process.argv[1])).digest("base64"));' "$1"
}
before=$(sri "$TRUNK_STAGING_DIR/$js")
grep -qF -- "$before" "$html" || { echo "minify-app-js: index.html has no integrity $before for $js" >&2; exit 1; }
esbuild --minify --format=esm --log-level=warning "$TRUNK_STAGING_DIR/$js" --outfile="$TRUNK_STAGING_DIR/$js.min"
mv "$TRUNK_STAGING_DIR/$js.min" "$TRUNK_STAGING_DIR/$js"
after=$(sri "$TRUNK_STAGING_DIR/$js")
sed -i "s|$before|$after|g" "$html"
