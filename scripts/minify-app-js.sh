#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml), release builds only: minifies the app's JS glue (what
# wasm-bindgen writes beside the wasm) with esbuild, names it after its new content, and updates
# index.html (its name and integrity hash). Trunk's own minifier cannot parse that file
# (`export { … as default }`) and ships it as written; minified, the first frame downloads about
# 2 KB (gzipped) less. The new name is a hash of the minified bytes, so another esbuild cannot
# change the file under a name a browser has cached. scripts/setup.sh installs esbuild.
# Trunk runs a stage's hooks at once: this one touches only index.html and the app's JS.
set -euo pipefail
: "${TRUNK_STAGING_DIR:?run by Trunk as a post_build hook}"
[ "${TRUNK_PROFILE:-}" = "release" ] || exit 0
for tool in esbuild node; do
  command -v "$tool" >/dev/null 2>&1 ||
    { echo "minify-app-js: no $tool on PATH; run scripts/setup.sh (it installs it under ~/.cache/kafkascope/npm)" >&2; exit 1; }
done
html="$TRUNK_STAGING_DIR/index.html"
# The app's module: the one index.html starts (the TOML reader's worker script is not in it).
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
minified="kafkascope-$(sha256sum "$TRUNK_STAGING_DIR/$js.min" | cut -c1-16).js"
mv "$TRUNK_STAGING_DIR/$js.min" "$TRUNK_STAGING_DIR/$minified"
rm "$TRUNK_STAGING_DIR/$js"
after=$(sri "$TRUNK_STAGING_DIR/$minified")
# Base64 and hex use no character sed treats specially here (`|` is the delimiter).
sed -i "s|$before|$after|g; s|$js|$minified|g" "$html"
grep -qF -- "$after" "$html" || { echo "minify-app-js: index.html did not take the new integrity" >&2; exit 1; }
