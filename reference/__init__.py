"""tracespec's reference runtime: the semantics of eager and traced functions, executable.

Use it as a TensorFlow-shaped namespace::

    import tracespec.reference as ts

    @ts.function
    def f(x):
        return x * 2

    f(ts.constant(1.0))
"""

from __future__ import annotations

import types as _types

from . import autograph, data, errors, operators  # noqa: F401  (operators installs them on Tensor)
from . import eager_switch as _eager_switch
from .concrete_function import ConcreteFunction
from .context import executing_eagerly
from .control_flow import cond, while_loop
from .conversion import constant, convert_to_tensor
from .dtypes import DType, as_dtype, float32, float64, int32, int64, string
from .dtypes import bool_ as bool
from .module import Module
from .ops.arithmetic import (
    abs,
    add,
    cast,
    divide,
    exp,
    floordiv,
    log,
    matmul,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    pow,
    sqrt,
    square,
    subtract,
)
from .ops.comparison import (
    equal,
    greater,
    greater_equal,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    not_equal,
    where,
)
from .ops.creation import fill, ones, range, zeros
from .ops.effects import print, py_function
from .ops.reduction import reduce_max, reduce_mean, reduce_min, reduce_sum
from .ops.shaping import concat, gather, identity, reshape, stack
from .polymorphic_function import Function, function
from .tape import GradientTape, stop_gradient
from .tensor import EagerTensor, SymbolicTensor, Tensor, is_tensor
from .tensor_array import TensorArray
from .tensor_shape import TensorShape
from .tensor_spec import TensorSpec
from .variables import Variable

config = _types.SimpleNamespace(
    run_functions_eagerly=_eager_switch.run_functions_eagerly,
    functions_run_eagerly=_eager_switch.functions_run_eagerly,
)
"""``ts.config``: the process-global run-eagerly switch."""

__all__ = [
    "ConcreteFunction", "DType", "EagerTensor", "Function", "SymbolicTensor", "Tensor",
    "TensorArray", "TensorShape", "TensorSpec", "abs", "add", "as_dtype", "autograph", "bool",
    "cast", "concat", "cond", "config", "constant",
    "convert_to_tensor", "data", "divide", "equal", "errors", "executing_eagerly", "exp", "fill",
    "float32", "float64", "floordiv", "function", "gather", "greater", "greater_equal",
    "identity", "int32", "int64", "is_tensor", "less", "less_equal", "log", "logical_and",
    "logical_not", "logical_or", "matmul", "maximum", "minimum", "mod", "multiply",
    "negative", "not_equal", "ones", "pow", "print", "py_function", "range", "reduce_max",
    "reduce_mean", "reduce_min", "reduce_sum", "reshape", "sqrt", "square", "stack", "string",
    "subtract", "where", "while_loop", "zeros",
]
__all__ += ["GradientTape", "Module", "Variable", "stop_gradient"]  # chapters 10 and 11
