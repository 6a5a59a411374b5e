"""Mutant: a binding failure's message is only its cause; ``Binding inputs to ts.function
failed due to ...`` (the stable core TRACE-10 specifies) is lost. The class is still TypeError.

Witness, traced::

    @ts.function(input_signature=[ts.TensorSpec([None], ts.int32)])
    def f(x):
        return x

    f(ts.constant([1.0]))
"""

from tracespec.reference import concrete_function, polymorphic_function

from .base import Mutant, patch


def binding_error(error, args, kwargs, signature):
    return TypeError(str(error))


adapter = Mutant(__name__, "binding failures lose the core of their message",
                 lambda: [patch(concrete_function, "binding_error", binding_error),
                          patch(polymorphic_function, "binding_error", binding_error)],
                 breaks=[("tracing-and-cache", "traced"), ("tracing-and-cache", "eager")])
