# shellcheck shell=bash
# Shared helpers for Kafkascope's scripts: step logging, failure hints, and the
# choice of Rust toolchain (rustup's when it has the wasm32 target, else Debian's
# rustc-web with a wasm32 std built from source; see scripts/setup.sh).

set -euo pipefail

KS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KS_CACHE="${KS_CACHE:-$HOME/.cache/kafkascope}"
KS_LOGS="$KS_ROOT/target/logs"
mkdir -p "$KS_CACHE" "$KS_LOGS"

# Tool versions. wasm-bindgen-cli must equal the wasm-bindgen crate pinned in Cargo.toml.
KS_WASM_BINDGEN_VERSION="0.2.130"
KS_TRUNK_VERSION="^0.21"
KS_BINARYEN_VERSION="132"
# esbuild minifies the app's JS glue in a release build (Trunk's own minifier cannot parse it).
KS_ESBUILD_VERSION="0.24.2"

export PATH="$KS_CACHE/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
note() { printf '    %s\n' "$*" >&2; }

# die STEP HINT: stop with the step that failed and what to do about it.
die() {
  printf '\n\033[31mFAILED: %s\033[0m\n' "$1" >&2
  printf '  what to do: %s\n' "$2" >&2
  exit 1
}

# run_logged STEP HINT CMD...: run CMD with its output in target/logs/STEP.log;
# on failure show the last lines of that log, the hint, and stop.
run_logged() {
  local step="$1" hint="$2"
  shift 2
  local log="$KS_LOGS/${step// /_}.log"
  if ! "$@" >"$log" 2>&1; then
    printf '\n--- last lines of %s ---\n' "$log" >&2
    tail -n 25 "$log" >&2
    die "$step" "$hint (full log: $log)"
  fi
}

# A usable wasm32 std: rustup's, or one built by setup.sh with embedded bitcode (the release
# profile's LTO needs it), which setup.sh marks with a file.
sysroot_has_wasm_std() {
  local rustc="$1"
  local dir
  dir="$("$rustc" --print sysroot 2>/dev/null)/lib/rustlib/wasm32-unknown-unknown/lib"
  compgen -G "$dir/libstd-*.rlib" >/dev/null && compgen -G "$dir/libtest-*.rlib" >/dev/null &&
    { [ "$rustc" != /usr/bin/rustc ] || [ -f "$dir/.kafkascope-embed-bitcode" ]; }
}

# use_toolchain: put the toolchain that can build wasm32 first on PATH.
# Returns non-zero when neither is ready (setup.sh then installs one).
# KS_FORCE_DEBIAN_RUST=1 skips rustup (to exercise the Debian route on a machine that has both).
use_toolchain() {
  if [ "${KS_FORCE_DEBIAN_RUST:-0}" != 1 ] && command -v rustup >/dev/null 2>&1 &&
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    KS_TOOLCHAIN=rustup
    return 0
  fi
  # rust-lld (package rust-web-llvm) links wasm32; the std must have been built for wasm32.
  if [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] && [ -x /usr/bin/rust-lld ] &&
    sysroot_has_wasm_std /usr/bin/rustc; then
    export PATH="/usr/bin:$PATH"
    export RUSTC=/usr/bin/rustc
    KS_TOOLCHAIN=debian
    return 0
  fi
  return 1
}
