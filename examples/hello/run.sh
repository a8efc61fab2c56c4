#!/usr/bin/env bash
# Installs what weft needs, builds it, transpiles the bundled example and runs it in Node.
set -euo pipefail
cd "$(dirname "$0")/../.."
rustup target add wasm32-unknown-unknown wasm32-wasip2 >/dev/null
[ -d node_modules/@bytecodealliance/jco ] || npm install --no-audit --no-fund
cargo build --release
./target/release/weft transpile examples/hello/hello.wat -o examples/hello/out
node examples/hello/run.mjs "${1:-world}"
