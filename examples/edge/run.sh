#!/usr/bin/env bash
# Serves the wasi-http-server fixture (a wasi:http/proxy component) on one edge platform:
#   bash examples/edge/run.sh workers|deno|bun|node     (then: curl http://127.0.0.1:8000/hello)
# Transpiles it with `weft transpile --target <platform>` into examples/edge/out/<platform>/ and
# starts that platform's entry module from node_modules (workerd, deno, bun; Node 24 for node).
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${1:?usage: run.sh workers|deno|bun|node}"
out="examples/edge/out/$target"
[ -x target/debug/weft ] || cargo build
[ -f fixtures/build/wasi-http-server.wasm ] || bash fixtures/build.sh
rm -rf "$out"
./target/debug/weft transpile fixtures/build/wasi-http-server.wasm -o "$out" --name app --target "$target" --quiet
export HOST=127.0.0.1 PORT=8000
case "$target" in
  workers)
    sed -i 's/127.0.0.1:8080/127.0.0.1:8000/' "$out/workerd.capnp"
    echo "listening on http://127.0.0.1:8000/ (workerd; npx wrangler dev in $out works too)"
    exec node_modules/.bin/workerd serve "$out/workerd.capnp" ;;
  deno) exec node_modules/.bin/deno run --allow-net --allow-read="$out" --allow-env=HOST,PORT "$out/deno-server.js" ;;
  bun) exec node_modules/.bin/bun "$out/bun-server.js" ;;
  node) exec node_modules/node/bin/node --experimental-wasm-jspi "$out/node-server.mjs" ;;
  *) echo "error: unknown platform '$target' (workers, deno, bun or node)" >&2; exit 1 ;;
esac
