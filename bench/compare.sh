#!/usr/bin/env bash
# msgbench-v1 side by side: guanxi (bench/msgbench.py) and Matrix Synapse (the reference
# harness in ../shared/bench/synapse, run through its run.sh), alternately, same pinning.
# Each series: a fresh server, one warm-up run, RUNS measured runs. Then a table of medians.
#
#   bench/compare.sh                                  # unpinned, 1 round: guanxi, then Synapse
#   ROUNDS=2 bench/compare.sh                         # guanxi, Synapse, guanxi, Synapse
#   SERVER_CPUS=0 CLIENT_CPUS=1 bench/compare.sh      # both servers on cpu0, generators on cpu1
#   ONLY=guanxi bench/compare.sh                      # just the guanxi series (or ONLY=synapse)
#   REVS="cc70449 HEAD" bench/compare.sh              # a guanxi series for each commit, then Synapse
#   EJABBERD=0 bench/compare.sh                       # without the ejabberd series
#
# ejabberd (../shared/bench/xmpp, msgbench-v1 over XMPP with a SQLite archive) runs after Synapse in
# each round when it is installed (`apt-get install -y ejabberd erlang-p1-sqlite3`), or always
# with EJABBERD=1; its results go to ejabberd/ and beside the others in summary.md.
#
# guanxi runs from a snapshot of the committed src/ (git archive of each of REVS, default HEAD), so
# edits made in the work tree while this runs do not change what is measured; several REVS put a
# "before" and an "after" in one sitting. A harness folder that is read-only is copied to a
# temporary folder first (its run writes result files beside itself). This is the only file of the
# project that reads ../shared. Results: bench/results/compare-<stamp>/{guanxi,synapse}/ and
# summary.md there.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SYNAPSE_DIR="${SYNAPSE_DIR:-$ROOT/../shared/bench/synapse}"
XMPP_DIR="${XMPP_DIR:-$ROOT/../shared/bench/xmpp}"
EJABBERD="${EJABBERD:-auto}"
if [ "$EJABBERD" = auto ]; then
    if command -v ejabberdctl > /dev/null || [ -x /usr/sbin/ejabberdctl ]; then EJABBERD=1; else EJABBERD=0; fi
fi
PY="${PY:-$ROOT/.venv/bin/python}"
ROUNDS="${ROUNDS:-1}"
RUNS="${RUNS:-2}"
ONLY="${ONLY:-}"
SERVER_CPUS="${SERVER_CPUS:-}"
CLIENT_CPUS="${CLIENT_CPUS:-}"

STAMP="$(date +%Y-%m-%dT%H%M%S)"
OUT="$HERE/results/compare-$STAMP"
mkdir -p "$OUT/synapse" "$OUT/ejabberd"

REVS="${REVS:-HEAD}"
SNAP="$(mktemp -d /tmp/msgbench-src-XXXXXX)"
trap 'rm -rf "$SNAP"' EXIT
COMMITS=()
for rev in $REVS; do
    c="$(git -C "$ROOT" rev-parse --short "$rev")"
    mkdir -p "$SNAP/$c"
    git -C "$ROOT" archive "$c" src | tar -x -C "$SNAP/$c"
    COMMITS+=("$c")
done
COMMIT="${COMMITS[*]}"
if [ ! -w "$SYNAPSE_DIR/results" ]; then
    cp -r "$SYNAPSE_DIR" "$SNAP/synapse" && chmod -R u+w "$SNAP/synapse"
    SYNAPSE_DIR="$SNAP/synapse"
fi
if [ "$EJABBERD" = 1 ] && [ ! -w "$XMPP_DIR/results" ]; then
    cp -r "$XMPP_DIR" "$SNAP/xmpp" && chmod -R u+w "$SNAP/xmpp" && chmod -R a+rX "$SNAP"
    XMPP_DIR="$SNAP/xmpp"
fi

LABELS="warmup"
for i in $(seq 1 "$RUNS"); do LABELS="$LABELS,measured$i"; done
CLIENT_ARGS=()
if [ -n "$CLIENT_CPUS" ]; then CLIENT_ARGS=(--client-cpus "$CLIENT_CPUS"); fi
GX_ARGS=("${CLIENT_ARGS[@]}")
if [ -n "$SERVER_CPUS" ]; then GX_ARGS+=(--server-cpus "$SERVER_CPUS"); fi

{
    echo "# msgbench-v1 comparison $STAMP"
    echo "guanxi: commit $COMMIT; Synapse: $SYNAPSE_DIR; ejabberd: $([ "$EJABBERD" = 1 ] && echo "$XMPP_DIR" || echo no)"
    echo "ROUNDS=$ROUNDS RUNS=$RUNS SERVER_CPUS=${SERVER_CPUS:-none} CLIENT_CPUS=${CLIENT_CPUS:-none}"
    echo "host: $(nproc) cpus, $(uname -r)"
} > "$OUT/info.txt"
cat "$OUT/info.txt"

run_guanxi() {
    local c
    for c in "${COMMITS[@]}"; do
        echo "== round $1: guanxi series ($LABELS), commit $c"
        mkdir -p "$OUT/guanxi-$c"
        "$PY" "$HERE/msgbench.py" --labels "$LABELS" --label-prefix "guanxi-$c-r$1-" \
            --out-dir "$OUT/guanxi-$c" --server-src "$SNAP/$c/src" \
            --server-note "git $c (snapshot of src/)" "${GX_ARGS[@]}" \
            || echo "guanxi $c round $1: some run NOT verified (exit $?)"
    done
}

run_synapse() {
    echo "== round $1: Synapse series (warmup + $RUNS measured) via $SYNAPSE_DIR/run.sh"
    local marker
    marker="$(mktemp)"
    SERVER_CPUS="$SERVER_CPUS" RUNS="$RUNS" LABEL_PREFIX="cmp$STAMP-r$1-" \
        "$SYNAPSE_DIR/run.sh" "${CLIENT_ARGS[@]}" || echo "Synapse round $1 failed (exit $?)"
    find "$SYNAPSE_DIR/results" -maxdepth 1 -name "result-*-cmp$STAMP-r$1-*.json" \
        -newer "$marker" -exec cp {} "$OUT/synapse/" \;
    rm -f "$marker"
}

run_ejabberd() {
    echo "== round $1: ejabberd series (warmup + $RUNS measured) via $XMPP_DIR/run.sh"
    local marker
    marker="$(mktemp)"
    SERVER_CPUS="$SERVER_CPUS" RUNS="$RUNS" LABEL_PREFIX="cmp$STAMP-r$1-" PYTHON="$PY" \
        "$XMPP_DIR/run.sh" ejabberd "${CLIENT_ARGS[@]}" || echo "ejabberd round $1 failed (exit $?)"
    find "$XMPP_DIR/results" -maxdepth 1 -name "result-*-ejabberd-cmp$STAMP-r$1-*.json" \
        -newer "$marker" -exec cp {} "$OUT/ejabberd/" \;
    rm -f "$marker"
}

for r in $(seq 1 "$ROUNDS"); do
    if [ "$ONLY" != synapse ] && [ "$ONLY" != ejabberd ]; then run_guanxi "$r"; fi
    if [ -z "$ONLY" ] || [ "$ONLY" = synapse ]; then run_synapse "$r"; fi
    if [ "$EJABBERD" = 1 ] && { [ -z "$ONLY" ] || [ "$ONLY" = ejabberd ]; }; then run_ejabberd "$r"; fi
done

shopt -s nullglob
S=("$OUT"/synapse/*.json)
E=("$OUT"/ejabberd/*.json)
: > "$OUT/summary.md"
for c in "${COMMITS[@]}"; do
    G=("$OUT"/guanxi-"$c"/*.json)
    { echo "## guanxi $c"; echo; "$PY" "$HERE/summarize.py" --guanxi "${G[@]}" --synapse "${S[@]}" --ejabberd "${E[@]}"; echo; } \
        | tee -a "$OUT/summary.md"
done
echo "results and summary in $OUT"
