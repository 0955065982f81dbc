"""``python -m webapp [--host 127.0.0.1] [--port 8000] [--data scene_data] [--renders renders]``

The heavy endpoints (attacks, the rotation sweep) share a bounded work queue with a cap per
client (webapp/fairness.py), set from the environment: WEBAPP_HEAVY_QUEUE (32 admitted at once,
else 503), WEBAPP_HEAVY_PER_CLIENT (4 per client, else 429), WEBAPP_HEAVY_WORKERS (1 thread),
WEBAPP_RETRY_AFTER (1 s), WEBAPP_TRUSTED_PROXIES (none: addresses whose X-Forwarded-For names
the client)."""
from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

from .state import Settings

LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    defaults = Settings()
    ap = argparse.ArgumentParser(prog="python -m webapp", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--data", type=Path, default=defaults.data, help="scene_data folder")
    ap.add_argument("--renders", type=Path, default=defaults.renders)
    ap.add_argument("--lectures", type=Path, default=defaults.lectures,
                    help="folder of the lecture YAMLs (the page's wording)")
    ap.add_argument("--torch-threads", type=int, default=1,
                    help="threads per forward pass (default 1: see below)")
    args = ap.parse_args(argv)
    if not is_loopback(args.host):
        print(f"warning: serving on {args.host}: anyone who can reach this machine on port "
              f"{args.port} can use the platform (it has no login)", file=sys.stderr)
    import torch
    import uvicorn

    from .app import create_app

    # LeNet on a batch of a few images is too small to split across threads; on a busy 2-core
    # machine torch's extra threads only fight the event loop (measured: 20x slower under load).
    torch.set_num_threads(args.torch_threads)

    try:
        app = create_app(Settings(args.data, args.renders, args.lectures))
    except (FileNotFoundError, RuntimeError, ValueError) as exc:  # ValueError: a WEBAPP_ setting
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"==> the learning platform: http://{args.host}:{args.port}/  (API docs: /docs)",
          flush=True)
    # proxy_headers off: the client is the connection's address unless WEBAPP_TRUSTED_PROXIES
    # names the peer (uvicorn's own default would believe X-Forwarded-For from 127.0.0.1)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
