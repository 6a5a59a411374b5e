"""Mutant: ``input_signature`` is not enforced; incompatible inputs just trace again.

Witness, traced::

    @ts.function(input_signature=[ts.TensorSpec([None], ts.int32)])
    def f(x):
        return x

    f(ts.constant([1.0]))
"""

from tracespec.reference import trace_type
from tracespec.reference.polymorphic_function import Function
from tracespec.reference.trace_type import FunctionType

from .base import Mutant, patch

_original = Function._bind_to_input_signature


def _bind_to_input_signature(self, args, kwargs):
    try:
        return _original(self, args, kwargs)
    except TypeError:
        bound = self._signature.bind(*args, **kwargs)
        arguments = dict(bound.arguments)
        types = tuple((n, trace_type.from_value(v)) for n, v in arguments.items())
        return FunctionType(types), arguments


adapter = Mutant(__name__, "input_signature not enforced",
                 lambda: [patch(Function, "_bind_to_input_signature", _bind_to_input_signature)],
                 breaks=[("tracing-and-cache", "traced")])
