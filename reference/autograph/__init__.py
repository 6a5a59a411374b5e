"""AutoGraph (``ts.autograph``): Python control flow on tensors, converted into graph control flow.

``ts.function`` traces ``converted(f)`` unless ``autograph=False``. The conversion rewrites
``f``'s source so that every ``if``, ``while``, ``for``, ``and``/``or``/``not`` and
conditional expression becomes a call that decides at run time, on the value it gets: a
tensor condition or iterable gives graph control flow (``ts.cond``, ``ts.while_loop``), a
Python value keeps plain Python semantics, decided while tracing (AG-1, AG-2).

* ``transformer.py``: reading, rewriting and compiling a function; ``to_code``.
* ``jumps.py``, ``expressions.py``, ``statements.py``: the rewriting passes;
  ``scopes.py``: names and liveness; ``syntax.py``: building the new code.
* ``operators.py``: what converted code calls, as ``ag__``: the dispatch and its checks.

``ts.autograph.to_code(f)`` shows the converted source of ``f`` (AG-12).
``ts.autograph.experimental.set_loop_options(...)``, the first statement of a loop, gives
the graph loop made of it shape invariants or a maximum number of iterations (AG-9).
"""

from __future__ import annotations

import types as _types

from .transformer import converted, to_code


def set_loop_options(parallel_iterations: object = None, swap_memory: object = None,
                     maximum_iterations: object = None, shape_invariants: object = None) -> None:
    """Options for the graph loop a converted loop becomes (as the loop's first statement).

    ``shape_invariants`` is a list of ``(variable, ts.TensorShape(...))`` pairs. Outside a
    converted loop (a Python loop, or a function running eagerly) it does nothing.
    """


experimental = _types.SimpleNamespace(set_loop_options=set_loop_options)
"""``ts.autograph.experimental``."""

__all__ = ["converted", "experimental", "to_code"]
