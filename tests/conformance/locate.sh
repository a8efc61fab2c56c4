#!/usr/bin/env bash
# Prints the directory of the component-model reference tests (the `test/`
# directory of WebAssembly/component-model) and exits 0, or prints one
# `skip:` line on stderr saying why and how to provide them and exits 3.
# The suite is never copied into this repository. In order:
#   1. $WEFT_CONFORMANCE_DIR, when set (it must exist);
#   2. ../shared/conformance/component-model beside the clone (as CI has);
#   3. a cache of the pinned commit below, cloned on first use unless
#      WEFT_CONFORMANCE_FETCH=0 (a clone that takes longer than
#      WEFT_CONFORMANCE_TIMEOUT seconds, default 120, counts as failed).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=https://github.com/WebAssembly/component-model
commit=6d281648bd89caf885a7adcc412962dbd2425ab7
# Overridable for this script's own test (a local repository instead).
repo="${WEFT_CONFORMANCE_REPO:-$repo}"
commit="${WEFT_CONFORMANCE_COMMIT:-$commit}"
how="set WEFT_CONFORMANCE_DIR to a checkout of the test/ directory of $repo (commit $commit)"

if [ -n "${WEFT_CONFORMANCE_DIR:-}" ]; then
  if [ -d "$WEFT_CONFORMANCE_DIR" ]; then echo "$WEFT_CONFORMANCE_DIR"; exit 0; fi
  echo "error: WEFT_CONFORMANCE_DIR=$WEFT_CONFORMANCE_DIR: no such directory" >&2
  exit 1
fi
if [ -d ../shared/conformance/component-model ]; then
  echo ../shared/conformance/component-model
  exit 0
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/weft/component-model-$commit"
if [ -d "$cache/test" ]; then echo "$cache/test"; exit 0; fi
if [ "${WEFT_CONFORMANCE_FETCH:-1}" = 0 ]; then
  echo "skip: component-model reference tests: not found and fetching is off (WEFT_CONFORMANCE_FETCH=0); $how" >&2
  exit 3
fi
# Fetch only the pinned commit, into a temporary directory renamed into place
# when complete, so an interrupted clone never looks like a suite.
mkdir -p "$(dirname "$cache")"
tmp="$(mktemp -d "$cache.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if timeout "${WEFT_CONFORMANCE_TIMEOUT:-120}" sh -c '
     git -C "$1" init -q && git -C "$1" remote add origin "$2" &&
     GIT_TERMINAL_PROMPT=0 git -C "$1" fetch -q --depth 1 origin "$3" &&
     git -C "$1" checkout -q FETCH_HEAD' sh "$tmp" "$repo" "$commit" >/dev/null 2>&1 \
   && [ -d "$tmp/test" ] && mv "$tmp" "$cache" 2>/dev/null; then
  echo "$cache/test"
  exit 0
fi
echo "skip: component-model reference tests: could not fetch $repo at $commit (no network?); $how" >&2
exit 3
