#!/usr/bin/env bash
# Runs every check and test of Kafkascope, installing what is missing first:
#   formatting and clippy; native engine and app-logic tests; wasm-bindgen tests in headless
#   Chromium; a release build; its first-frame download size against a ceiling; end-to-end tests that drive that build in headless Chromium.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
main
cd "$KS_ROOT"

export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

RESULTS="$KS_LOGS/test-results.log"
: >"$RESULTS"

# check NAME HINT CMD...: run a stage with its output shown (and kept for the summary);
# on failure say which stage and what to do.
check() {
  local name="$1" hint="$2"
  shift 2
  say "$name"
  local started=$SECONDS
  if ! "$@" 2>&1 | tee -a "$RESULTS"; then
    STAGE_TIMES+=("$(printf '%4d s  %s (failed)' "$((SECONDS - started))" "$name")")
    print_stage_times
    die "$name" "$hint"
  fi
  local took=$((SECONDS - started))
  note "took $((took / 60)) min $((took % 60)) s"
  STAGE_TIMES+=("$(printf '%4d s  %s' "$took" "$name")")
}
STAGE_TIMES=()
# Where the time went (the whole command should stay under about 30 minutes).
print_stage_times() {
  printf '%s\n' "time by stage:" "${STAGE_TIMES[@]}" "$(printf '%4d s  in all, with set-up' "$SECONDS")"
}

check "fetch crates" "check that crates.io is reachable" cargo fetch --quiet
check "rustfmt" "run: cargo fmt --all" cargo fmt --all -- --check
check "clippy (native: engine, browser tests, the engine-floor probe)" "fix the lints above" \
  cargo clippy --quiet -p kafkascope-engine -p kafkascope-browser-tests -p kafkascope-engine-floor --all-targets -- -D warnings
check "clippy (native: app logic and benches)" "fix the lints above" \
  cargo clippy --quiet -p kafkascope --lib --benches -- -D warnings
check "clippy (wasm32: app, wasm tests)" "fix the lints above" \
  cargo clippy --quiet -p kafkascope --lib --bins --tests --target wasm32-unknown-unknown -- -D warnings
check "clippy (wasm32: the TOML reader worker)" "fix the lints above" \
  cargo clippy --quiet -p kafkascope-toml-reader --target wasm32-unknown-unknown -- -D warnings
check "native tests: engine and CLI" "a failing engine test names the behaviour that broke" \
  cargo test -p kafkascope-engine -p kafkascope-engine-floor
check "native tests: app logic" "a failing app test names the behaviour that broke" \
  cargo test -p kafkascope --lib
# wasm-bindgen-test-runner now and then fails to start ChromeDriver ("driver failed to bind port
# during startup", the driver killed) before any test runs; that one failure, and only it, is
# tried once more, said out loud. A failing test is never retried.
wasm_tests() {
  local log="$KS_LOGS/wasm-tests.log"
  cargo test -p kafkascope --target wasm32-unknown-unknown 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  if [ "$status" -ne 0 ] && grep -q "driver failed to bind port" "$log" && ! grep -q "^test result: FAILED" "$log"; then
    note "the wasm test runner could not start ChromeDriver (above); starting it once more"
    cargo test -p kafkascope --target wasm32-unknown-unknown
    return $?
  fi
  return "$status"
}
check "wasm tests in headless Chromium" "see the failing wasm test above; CHROMEDRIVER=$CHROMEDRIVER" \
  wasm_tests
check "release build (trunk build --release)" "see the build error above" \
  trunk build --offline --release
check "download size of the first frame (deterministic; ceiling in the script)" \
  "see what grew with twiggy (README, Performance)" ./scripts/download-size.sh --check
check "the headless runner, which the end-to-end tests run on the page's links and files" "see the build error above" \
  cargo build -q -p kafkascope-engine --bin kafkascope-sim
check "end-to-end tests in headless Chromium" "screenshots are in target/e2e/" \
  cargo test -p kafkascope-browser-tests --test e2e --test links --test embed --test present --test compare --test csp --test keyboard
say "All checks passed. Screenshots: target/e2e/"
print_stage_times
# One closing line over every test runner above.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "all tests: %d passed, %d failed\n", p, f }' "$RESULTS"
