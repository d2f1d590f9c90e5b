#!/usr/bin/env bash
set -euo pipefail
cd /work/main
D=$(mktemp -d /tmp/prof/data-XXXX)
PORT=18555
PYTHONPATH=/tmp/prof/snap/src .venv/bin/guanxi serve --host 127.0.0.1 --port $PORT --data-dir $D > /tmp/prof/server.log 2>&1 &
SPID=$!
echo "server pid $SPID" 
for i in $(seq 1 50); do curl -fs http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
for sc in dm group; do
  /tmp/pyspy-venv/bin/py-spy record --nonblocking -r 200 -f raw -o /tmp/prof/$sc.raw -p $SPID > /tmp/prof/pyspy-$sc.log 2>&1 &
  PY=$!
  .venv/bin/python bench/msgbench.py --url http://127.0.0.1:$PORT --pid $SPID --scenarios $sc --labels prof-$sc --label-prefix prof- --out-dir /tmp/prof/results 2>&1 | grep -v '^  '
  kill -INT $PY; wait $PY || true
done
kill $SPID; wait $SPID || true
