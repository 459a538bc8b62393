#!/usr/bin/env bash
# Fails when a tracked file names a data folder outside the repository (a sibling of
# the checkout) or cites that folder's reference file by its nickname / "the reference file" / "paper A" instead of a
# primary source. Everything the build, the tests, the README and the provenance
# need lives in the repository. Usage: bash scripts/check-self-contained.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# Spelled with character classes so this script does not match itself.
pattern='\.\./[s]hared|/work/[s]hared|[s]hared/(fixtures|validation|reference)|LLMDSE_[S]HARED|[Ss]hared [Rr]eference|[Rr]eference [Ff]ile|\b[Pp]aper A\b'
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check-self-contained: not a git checkout, nothing to check"; exit 0
fi
# Tracked files as they are in the working tree; -I skips binary files (the
# fixtures' safetensors).
if git grep -nIE "$pattern" -- . ':!scripts/check-self-contained.sh'; then
  echo "check-self-contained: the lines above refer to material outside the repository or to a secondary source" >&2
  exit 1
fi
echo "check-self-contained: no tracked file refers to a data folder outside the repository"
