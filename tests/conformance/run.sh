#!/usr/bin/env bash
# `.ci/run`'s component-model reference-test step for one engine: `node`
# (Node 20 and Node 24) or `chromium`. Each file's result is compared with
# tests/conformance/expected-*.txt. Where the suite cannot be found or fetched
# (tests/conformance/locate.sh), prints locate.sh's one `skip:` line and
# succeeds, so every other step of `.ci/run` still runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
weft="${WEFT:-./target/debug/weft}"
rc=0
suite="$(bash tests/conformance/locate.sh)" || rc=$?
[ "$rc" = 3 ] && exit 0
[ "$rc" = 0 ] || exit "$rc"
case "${1:-}" in
  node)
    "$weft" wast "$suite" --node node \
      --skips tests/conformance/skips-node20.txt --expect tests/conformance/expected-node20.txt
    "$weft" wast "$suite" --node tests/conformance/node24-exnref \
      --skips tests/conformance/skips.txt --expect tests/conformance/expected-node24.txt
    ;;
  chromium)
    "$weft" wast --browser "$suite" \
      --skips tests/conformance/skips.txt --expect tests/conformance/expected-chromium.txt
    ;;
  *)
    echo "usage: tests/conformance/run.sh node|chromium" >&2
    exit 2
    ;;
esac
