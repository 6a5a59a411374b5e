"""``ts.Module``: a named container that finds the variables in its attributes (VAR-13).

``variables`` walks the module's attributes in the order of their names, looking into lists,
tuples and dicts (dicts in key order); it collects each variable once, and visits the
submodules it meets only after the module's own attributes, depth first. That is the order
of TensorFlow's ``tf.Module._flatten``. A ``ts.function`` method gets one cache per instance
(TRACE-8). Name scopes (variable names prefixed by the module's) are not modelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .variables import Variable
from .verbose import note


class Module:
    """A container of variables and other modules (``ts.Module``)."""

    def __init__(self, name: str | None = None):
        if name is None:
            name = _snake_case(type(self).__name__)
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"{name!r} is not a valid module name. Module names must be valid Python "
                             "identifiers (e.g. a valid class name).")
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def variables(self) -> tuple[Variable, ...]:
        """Every variable of this module and its submodules, each once."""
        note("VAR-13", "collecting the variables of module %s", self._name)
        return tuple(_walk(self, lambda value: isinstance(value, Variable)))

    @property
    def trainable_variables(self) -> tuple[Variable, ...]:
        """The variables whose ``trainable`` is true, in the same order."""
        note("VAR-13", "collecting the trainable variables of module %s", self._name)
        return tuple(_walk(self, lambda value: isinstance(value, Variable) and bool(value.trainable)))

    @property
    def submodules(self) -> tuple[Module, ...]:
        """Every module found in the attributes, recursively."""
        return tuple(_walk(self, lambda value: isinstance(value, Module)))


def _walk(module: Module, wanted: Callable[[Any], bool], seen: set[int] | None = None) -> Iterator[Any]:
    seen = {id(module)} if seen is None else seen
    submodules = []
    for key in sorted(vars(module)):
        for leaf in _leaves(vars(module)[key]):
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            if wanted(leaf):
                yield leaf
            if isinstance(leaf, Module):
                submodules.append(leaf)
    for submodule in submodules:
        yield from _walk(submodule, wanted, seen)


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, Mapping):
        for key in sorted(value):
            yield from _leaves(value[key])
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _snake_case(name: str) -> str:
    return re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name).lower()
