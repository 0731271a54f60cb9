#!/usr/bin/env bash
# Builds Kafkascope and serves it at http://127.0.0.1:8080 (installs what is missing first).
# Options are passed to `trunk serve` (e.g. --port 9000).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
main
cd "$KS_ROOT"
say "Serving Kafkascope at http://127.0.0.1:8080 (Ctrl-C stops it)"
exec trunk serve --offline "$@"
