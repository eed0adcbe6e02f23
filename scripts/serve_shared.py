"""`make serve-shared`: N app replicas on one PostgreSQL database behind nginx.

    .venv/bin/python -m scripts.serve_shared [--replicas 2] [--port 8501]

With WHITEBOARD_DATABASE_URL set, the replicas use that database. Without it, a local
PostgreSQL cluster is started in ./data/postgres (initialised on first use, kept between
runs, run as `nobody` when started as root). nginx (deploy/nginx.conf's settings, rendered
for these ports by scripts/nginx.py) listens on --port and keeps each browser on one replica
(by a cookie), or sends it to another when that one is down; the replicas themselves
listen on the following ports. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from pathlib import Path

from scripts import nginx, replicas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--host", default="127.0.0.1", help="where nginx listens")
    args = parser.parse_args(argv)

    server = None
    url = os.environ.get("WHITEBOARD_DATABASE_URL")
    if not url:
        from storage import local_postgres

        folder = Path(os.environ.get("WHITEBOARD_DATA_DIR", "data")).resolve() / "postgres"
        print(f"Starting PostgreSQL in {folder} ...", flush=True)
        server = local_postgres.start(folder, keep=True)
        url = server.url()
    started: list[replicas.Replica] = []
    proxy = None
    try:
        for n in range(args.replicas):
            port = args.port + 1 + n
            started.append(replicas.start(port, env={"WHITEBOARD_DATABASE_URL": url}, log=None))
            print(f"replica {n + 1}: http://127.0.0.1:{port}", flush=True)
        proxy = nginx.start([r.port for r in started], args.port, args.host)
        print(f"Open http://{args.host}:{args.port} ({args.replicas} replicas, one database).")
        print("Ctrl-C stops everything.", flush=True)
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        while not stopping:
            time.sleep(1)
            if not proxy.alive():
                print(f"nginx exited:\n{proxy.log()}", flush=True)
                return 1
            for n, replica in enumerate(started):
                if not replica.alive():
                    print(f"replica {n + 1} exited; restarting it", flush=True)
                    started[n] = replicas.start(
                        replica.port, env={"WHITEBOARD_DATABASE_URL": url}, log=None
                    )
    except KeyboardInterrupt:
        pass
    finally:
        if proxy:
            proxy.stop()
        for replica in started:
            replica.stop()
        if server:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
