#!/usr/bin/env bash
# Builds weft, transpiles the bundled example and runs it in Node. Installs the
# npm dev dependencies first (`npm ci`: exactly package-lock.json, which it
# never rewrites) when node_modules/ is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
rustup target add wasm32-unknown-unknown wasm32-wasip2 >/dev/null
[ -d node_modules/@bytecodealliance/jco ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
cargo build --release
./target/release/weft transpile examples/hello/hello.wat -o examples/hello/out
node examples/hello/run.mjs "${1:-world}"
echo "weft is at ./target/release/weft; to put it on your PATH: cargo install --path ."
