"""`guanxi serve` for a memory probe (bench/idle_sockets.py): one process on SQLite, with
uvicorn's WebSocket implementation chosen (`--ws`), and with tracemalloc on when
PYTHONTRACEMALLOC is set: SIGUSR1 writes a snapshot to `<data dir>/snapshot-<n>.tracemalloc`.

    PYTHONPATH=src .venv/bin/python -m bench.traced_serve --port 8000 --data-dir /tmp/x --ws auto
"""

from __future__ import annotations

import argparse
import os
import signal
import tracemalloc
from pathlib import Path
from types import FrameType

import uvicorn

from guanxi.cli.database import open_database
from guanxi.cli.options import settings_with
from guanxi.cli.serve import _config, listen, log_to_stderr, tune_collector
from guanxi.web.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--ws", default="auto", help="uvicorn's --ws: auto, websockets, …")
    args = parser.parse_args()
    settings = settings_with(host="127.0.0.1", port=args.port, data_dir=args.data_dir)
    open_database(settings)
    snapshots = iter(range(1_000_000))

    def dump(_sig: int, _frame: FrameType | None) -> None:
        if tracemalloc.is_tracing():
            path = args.data_dir / f"snapshot-{next(snapshots)}.tracemalloc"
            tracemalloc.take_snapshot().dump(f"{path}.part")
            os.replace(f"{path}.part", path)  # the probe sees it whole

    signal.signal(signal.SIGUSR1, dump)
    listening = listen(settings.host, settings.port)
    app = create_app(settings)
    log_to_stderr()
    tune_collector()
    uvicorn.Server(_config(settings, app, ws=args.ws)).run(sockets=[listening])


if __name__ == "__main__":
    main()
