"""Finding backends by name: entry points, the built-in mutants, or ``module:attribute``.

A package registers a backend with an entry point in the ``tracespec.adapters``
group whose value is ``module:attribute``; the attribute is an ``Adapter``
instance or class. Every module of ``tracespec.adapters.mutants`` (but ``base``)
is the built-in backend ``mutant-<module name with dashes>``.
"""

from __future__ import annotations

import importlib
import pkgutil
import traceback
from importlib.metadata import entry_points

from tracespec.conformance.tensor_api import unknown_members
from tracespec.reference import policies

from .base import Adapter, missing_parts

GROUP = "tracespec.adapters"


class AdapterError(Exception):
    """A backend cannot be found, imported, or does not implement the protocol."""


def known_backends() -> dict[str, str]:
    """Registered backend names and their ``module:attribute`` targets."""
    return {**{ep.name: ep.value for ep in entry_points(group=GROUP)}, **mutants()}


def mutants() -> dict[str, str]:
    """The built-in mutant backends and their ``module:attribute`` targets."""
    from . import mutants as package

    return {
        "mutant-" + info.name.replace("_", "-"): f"{package.__name__}.{info.name}:adapter"
        for info in pkgutil.iter_modules(package.__path__) if info.name != "base"
    }


def load(name: str) -> Adapter:
    """The adapter called ``name`` (a registered name or ``module:attribute``)."""
    target = name if ":" in name else known_backends().get(name)
    if target is None:
        known = ", ".join(sorted(known_backends())) or "none"
        raise AdapterError(
            f"Unknown backend {name!r}. Known backends: {known}. An unregistered adapter can be "
            "named as module:attribute."
        )
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        if ":" in name:
            hint = (f"Check that {module_name!r} is installed or is a module in the current "
                    "directory, and that it imports on its own.")
        else:
            hint = f"Install what it needs: pip install 'tracespec[{name}]'."
        raise AdapterError(f"Backend {name!r} could not be imported ({error}). {hint}") from error
    except (NotImplementedError, ValueError) as error:  # Policies(...) in the module's body
        if not _raised_by_policies(error):
            raise
        raise AdapterError(f"Backend {name!r}: {error}") from None
    try:
        adapter = getattr(module, attribute)
    except AttributeError:
        raise AdapterError(f"Module {module_name!r} has no attribute {attribute!r}.") from None
    if isinstance(adapter, type):
        adapter = adapter()
    missing = missing_parts(adapter)
    if missing:
        raise AdapterError(
            f"Backend {name!r} ({type(adapter).__name__}) does not implement the adapter "
            f"protocol: missing {', '.join(missing)}. See docs/adapters.md."
        )
    unknown = unknown_members(adapter.tensor_api)
    if unknown:
        raise AdapterError(f"Backend {name!r} supplies tensor_api members programs do not use: "
                           f"{', '.join(unknown)}. See docs/adapters.md, 'Tensor methods'.")
    unimplemented = unimplemented_policies(adapter)
    if unimplemented:
        raise AdapterError(f"Backend {name!r} declares {unimplemented}")
    return adapter


def unimplemented_policies(adapter: Adapter) -> str:
    """What ``adapter`` declares that the reference cannot run, as one sentence (or "")."""
    declared = adapter.policies
    if not isinstance(declared, policies.Policies):
        return (f"policies = {declared!r}, which is not a tracespec.reference.policies.Policies; "
                "declare Policies(<policy>=<option>, ...).")
    for policy, option in declared.as_dict().items():
        if option not in policies.IMPLEMENTED[policy]:
            return (f"{policy}={option!r}, which the reference does not implement yet; it "
                    f"implements: {', '.join(policies.IMPLEMENTED[policy])}.")
    return ""


def _raised_by_policies(error: BaseException) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].filename == policies.__file__


def importable(name: str) -> tuple[bool, str]:
    """Whether ``name`` loads, and a short reason when it does not."""
    try:
        adapter = load(name)
    except AdapterError as error:
        return False, str(error).split(". ")[0]
    return True, adapter.version()
