"""Mutant: a tape outside a traced function gives ``None``, as eagerly, for a source that only
another output of the function depends on (TensorFlow differentiates the call as a whole: zeros).

Witness, traced::

    @ts.function
    def two(x):
        return x * x, ts.constant(5.0)

    class Tape:
        @staticmethod
        def taped(x):
            with ts.GradientTape(persistent=True) as tape:
                tape.watch(x)
                a, b = two(x)
            return tape.gradient(b, x)

    Tape.taped(ts.constant(3.0))
"""

from unittest import mock

from tracespec.reference import concrete_function, gradients, tape
from tracespec.reference.interpreter import nodes_to_run

from .base import Mutant


def call_vjp(cotangents, *inputs, out, function):
    graph = function.graph
    parameters = graph.placeholders + [inner for _, inner in graph.captures]
    value = {id(t): v for t, v in zip([*parameters, *graph.outputs], [*inputs, *out])}
    partials = {}
    for inner, cotangent in zip(graph.outputs, cotangents[: function.primal_count]):
        if cotangent is not None:  # no zeros for the other outputs
            partials.setdefault(id(inner), []).append(cotangent)
    tape.backpropagate(nodes_to_run(graph), partials, lambda t: value[id(t)])
    return tuple(partials.get(id(t)) for t in parameters)


adapter = Mutant(__name__, "a call's gradient prunes per output",
                 lambda: [mock.patch.dict(gradients.RULES, {concrete_function.call_p.name: call_vjp})],
                 breaks=[("gradients", "traced")])
