#!/usr/bin/env bash
# Installs everything Kafkascope needs on a fresh machine, and does nothing
# noticeable when it is already there. Each step checks before it installs.
#   1. a Rust toolchain that can build wasm32 (rustup target, else Debian's rustc-web
#      plus a wasm32 std built from its source: rustup cannot fetch the wasm32 target on a
#      machine that reaches only the package registries)
#   2. Trunk 0.21, wasm-bindgen-cli pinned to Cargo.lock's wasm-bindgen
#   3. wasm-opt from npm's binaryen (Debian's is too old for rustc 1.96's output), and esbuild
#      from npm (minifies the app's JS in a release build: scripts/minify-app-js.sh)
#   4. Chromium and ChromeDriver for the browser tests
# Sourced by serve.sh / test.sh / bench.sh; can be run on its own.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

apt_install() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "apt packages ${missing[*]}" "run as root, or install them with sudo apt-get install ${missing[*]}"
  say "Installing Debian packages: ${missing[*]}"
  run_logged "apt-get update" "check that Debian's package mirror is reachable" apt-get update
  run_logged "apt-get install" "install by hand to see the error: apt-get install -y ${missing[*]}" \
    env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

build_wasm_std() {
  local sysroot dest work
  sysroot="$(/usr/bin/rustc --print sysroot)"
  dest="$sysroot/lib/rustlib/wasm32-unknown-unknown/lib"
  work="$KS_CACHE/wasm-std-build"
  say "Building the wasm32 standard library from rust-web-src (once, about a minute)"
  rm -rf "$work"
  mkdir -p "$work/src" "$dest"
  printf '[package]\nname = "ks_wasm_std_seed"\nversion = "0.0.0"\nedition = "2021"\n[lib]\npath = "src/lib.rs"\n' >"$work/Cargo.toml"
  : >"$work/src/lib.rs"
  # embed-bitcode: the app's release profile uses LTO, which needs the std's bitcode.
  run_logged "build wasm32 std" "check that rust-web-src is installed and crates.io is reachable" \
    env -C "$work" RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTFLAGS="-Cembed-bitcode=yes" \
    /usr/bin/cargo build --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort,test
  rm -f "$dest"/lib*.rlib
  find "$work/target/wasm32-unknown-unknown/release/deps" -name 'lib*.rlib' ! -name 'libks_wasm_std_seed*' \
    -exec cp {} "$dest/" \;
  touch "$dest/.kafkascope-embed-bitcode"
  sysroot_has_wasm_std /usr/bin/rustc || die "install wasm32 std" "no libstd/libtest rlib reached $dest"
}

setup_toolchain() {
  use_toolchain && return 0
  if [ "${KS_FORCE_DEBIAN_RUST:-0}" != 1 ] && command -v rustup >/dev/null 2>&1; then
    say "Trying: rustup target add wasm32-unknown-unknown (60 s limit)"
    if timeout 60 rustup target add wasm32-unknown-unknown >"$KS_LOGS/rustup-target.log" 2>&1; then
      use_toolchain && return 0
    fi
    note "rustup could not fetch the target (no route to its server); using Debian's rustc-web instead"
  fi
  apt_install rustc-web cargo-web rust-web-src rust-web-clippy rustfmt-web rust-web-llvm
  # rust-web-llvm's /usr/bin/rust-lld is a link to the matching lld-N, a separate package.
  if [ -L /usr/bin/rust-lld ] && [ ! -e /usr/bin/rust-lld ]; then
    apt_install "$(basename "$(readlink /usr/bin/rust-lld)")"
  fi
  sysroot_has_wasm_std /usr/bin/rustc || build_wasm_std
  use_toolchain || die "Rust toolchain" "neither rustup's wasm32 target nor Debian's rustc-web is usable; see target/logs"
}

cargo_install() {
  local bin="$1" want="$2"
  shift 2
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -q -- "$want"; then
    return 0
  fi
  say "cargo install $* (a few minutes, once)"
  run_logged "cargo install $bin" "run 'cargo install $*' by hand to see the error" cargo install "$@"
}

setup_web_tools() {
  cargo_install trunk "trunk 0.21" trunk --version "$KS_TRUNK_VERSION" --locked
  # Not --locked: wasm-bindgen-cli's lockfile names a crate version the registry lacks.
  cargo_install wasm-bindgen "wasm-bindgen $KS_WASM_BINDGEN_VERSION" \
    wasm-bindgen-cli --version "$KS_WASM_BINDGEN_VERSION"
  if ! wasm-opt --version 2>/dev/null | grep -q "version $KS_BINARYEN_VERSION"; then
    command -v npm >/dev/null 2>&1 || apt_install nodejs npm
    say "npm install binaryen@$KS_BINARYEN_VERSION (wasm-opt)"
    mkdir -p "$KS_CACHE/npm"
    run_logged "npm install binaryen" "check that the npm registry is reachable" \
      npm install --prefix "$KS_CACHE/npm" --no-audit --no-fund "binaryen@$KS_BINARYEN_VERSION"
  fi
  if ! esbuild --version 2>/dev/null | grep -qx -- "$KS_ESBUILD_VERSION"; then
    command -v npm >/dev/null 2>&1 || apt_install nodejs npm
    say "npm install esbuild@$KS_ESBUILD_VERSION (minifies the app's JS)"
    mkdir -p "$KS_CACHE/npm"
    run_logged "npm install esbuild" "check that the npm registry is reachable" \
      npm install --prefix "$KS_CACHE/npm" --no-audit --no-fund "esbuild@$KS_ESBUILD_VERSION"
  fi
}

setup_browser() {
  # fonts-nanum: Korean glyphs for the screenshots the tests take.
  apt_install chromium chromium-driver fonts-nanum
}

main() {
  setup_toolchain
  setup_web_tools
  setup_browser
  note "toolchain: $KS_TOOLCHAIN ($(rustc --version)); $(trunk --version); $(wasm-bindgen --version); $(wasm-opt --version | head -1); esbuild $(esbuild --version)"
}

# Run when executed, not when sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
