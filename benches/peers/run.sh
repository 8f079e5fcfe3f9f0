#!/usr/bin/env bash
# Peer comparison: athar vs datasketch vs rensa on one generated corpus.
#
#   benches/peers/run.sh [DOCS] [SEED]        (defaults: 10000 42)
#
# Environment: WORK (scratch dir, default target/peers), VENV (Python venv,
# default $WORK/venv), ATHAR_ARGS (arguments of one athar run, "{corpus}" for
# the corpus; default: two runs, "dedup" and "report --no-narratives").
# Writes benches/results/peers-DOCS-SEED.md.
set -euo pipefail

DOCS=${1:-10000}
SEED=${2:-42}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-$ROOT/target/peers}
VENV=${VENV:-$WORK/venv}
ATHAR_ARGS=${ATHAR_ARGS:-}
mkdir -p "$WORK" "$ROOT/benches/results"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import datasketch, rensa" 2>/dev/null; then
    echo "== creating Python venv in $VENV (datasketch, rensa)" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet datasketch rensa
fi
"$VENV/bin/python" -c "import sys; from importlib.metadata import version as v; print('datasketch', v('datasketch'), '| rensa', v('rensa'), '| numpy', v('numpy'), '| python', sys.version.split()[0])" >&2

echo "== building athar (release)" >&2
(cd "$ROOT" && cargo build --release --quiet -p athar-cli)
ATHAR="$ROOT/target/release/athar"

CORPUS="$WORK/corpus-$DOCS-$SEED.jsonl"
TRUTH="$WORK/truth-$DOCS-$SEED.tsv"
echo "== generating $DOCS documents (seed $SEED)" >&2
"$ATHAR" gen --docs "$DOCS" --seed "$SEED" -o "$CORPUS" --truth "$TRUTH"

echo "== comparing" >&2
"$VENV/bin/python" "$HERE/peers.py" compare \
    --corpus "$CORPUS" --truth "$TRUTH" \
    --athar "$ATHAR" ${ATHAR_ARGS:+--athar-args "$ATHAR_ARGS"} \
    --out "$ROOT/benches/results/peers-$DOCS-$SEED.md"
