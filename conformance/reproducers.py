"""How a reproducer script gets ``ts`` for a backend."""

from __future__ import annotations

from tracespec.adapters.base import Adapter


def backend_import(name: str, adapter: Adapter) -> str:
    """The lines a reproducer starts with to get ``ts`` for the backend ``name``."""
    if name == "reference":
        return "import tracespec.reference as ts"
    return (
        "from tracespec.adapters.registry import load\n"
        f"backend = load({name!r})\n"
        "session = backend.session()\n"
        "session.__enter__()\n"
        "ts = backend.namespace(print)"
    )
