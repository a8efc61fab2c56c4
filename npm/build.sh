#!/usr/bin/env bash
# Builds the npm package weftjs: the weft library compiled to wasm with
# wasm-bindgen (feature `npm`, cargo profile `npm`), shrunk with wasm-opt,
# next to the JS sources in npm/src and npm/bin, the WASI host
# (js-runtime/wasi) and the run/serve programs (js-runtime/run); then
# `npm pack` leaves npm/weftjs-<version>.tgz.
#   bash npm/build.sh            build and pack
#   WEFT_NPM_NO_OPT=1 ...        skip wasm-opt (faster, larger)
#   WEFT_NPM_PACK_ONLY=1 ...     reuse npm/wasm/ as built before (JS-only changes):
#                                copy the JS and pack, no cargo, no wasm-bindgen
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
npm_dir=$root/npm

if [ -n "${WEFT_NPM_PACK_ONLY:-}" ]; then
  [ -f "$npm_dir/wasm/weft_bg.wasm" ] || { echo "error: WEFT_NPM_PACK_ONLY: npm/wasm/weft_bg.wasm is missing (run bash npm/build.sh once)" >&2; exit 1; }
else
# wasm-bindgen-cli must match the wasm-bindgen crate exactly (Cargo.toml pins it).
want=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want (cargo install, a few minutes)" >&2
  cargo install wasm-bindgen-cli --version "$want" --locked
fi

rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
# A cdylib for this build only (`cargo rustc`), so the native build stays an rlib.
cargo rustc --lib --crate-type cdylib --target wasm32-unknown-unknown --no-default-features --features npm --profile npm
raw=target/wasm32-unknown-unknown/npm/weft.wasm

rm -rf "$npm_dir/wasm"
mkdir -p "$npm_dir/wasm"
wasm-bindgen "$raw" --out-dir "$npm_dir/wasm" --out-name weft --target web --no-typescript
if [ -z "${WEFT_NPM_NO_OPT:-}" ]; then
  wasm_opt="$root/node_modules/.bin/wasm-opt"
  [ -x "$wasm_opt" ] || wasm_opt=wasm-opt
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$npm_dir/wasm/weft_bg.wasm" -o "$npm_dir/wasm/weft_bg.wasm"
fi
fi

# The WASI host and the run/serve programs, as the native binary embeds them.
for d in wasi wasi3 run; do
  rm -rf "${npm_dir:?}/$d"
  mkdir -p "$npm_dir/$d"
  for f in js-runtime/$d/*.js js-runtime/$d/*.mjs js-runtime/$d/README.md; do
    [ -f "$f" ] || continue
    case "$f" in *.test.js) continue ;; esac
    cp "$f" "$npm_dir/$d/"
  done
done

cd "$npm_dir"
rm -f weftjs-*.tgz
npm pack --silent >/dev/null
ls -l "$npm_dir"/weftjs-*.tgz | awk '{print $NF ": " $5 " bytes"}'
ls -l "$npm_dir/wasm/weft_bg.wasm" | awk '{print "wasm: " $5 " bytes"}'
