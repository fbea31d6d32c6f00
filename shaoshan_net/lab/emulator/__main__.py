"""`python -m shaoshan_net.lab.emulator SPEC.json`: serve every switch of the spec until SIGTERM."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from shaoshan_net.errors import ShaoshanError

from .server import serve
from .spec import load_spec


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m shaoshan_net.lab.emulator SPEC.json", file=sys.stderr)
        return 2
    try:
        spec = load_spec(Path(args[0]))
    except ShaoshanError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return asyncio.run(serve(spec))


if __name__ == "__main__":
    sys.exit(main())
