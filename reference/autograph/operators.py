"""What converted code calls (it knows this module as ``ag__``).

Every statement AutoGraph converts becomes a call here that decides *when the program runs*
what it is: if the condition or iterable is a tensor, the statement becomes graph control
flow (``ts.cond``, ``ts.while_loop``, a dataset loop); otherwise it is plain Python, decided
while tracing (AG-1, AG-2, EFFECT-6, EFFECT-8).

Converted blocks pass their variables explicitly. A statement's *state* is the variables it
may change that are used later (by name, ``names``); each block is a function from the
state's values to its new values, and the statement returns the new state::

    (y,) = ag__.if_stmt(x > 0, if_body, else_body, (y,), ('y',))

A variable with no value yet is passed as ``Undefined(name)``; a function that has not
returned yet has the return value ``UndefinedReturnValue()``. Graph control flow needs every
variable defined, not ``None``, and of one dtype (and, for loops, one shape) on every path:
the checks below say which variable breaks that, by name (AG-7, AG-8, AG-9).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import context, control_flow, dtypes, errors
from ..conversion import convert_to_tensor
from ..graph import Graph, constant_primitive
from ..ops.comparison import logical_and, logical_not, logical_or
from ..ops.creation import range as ts_range
from ..ops.creation import range_p, zeros
from ..ops.shaping import reshape
from ..tensor import SymbolicTensor, Tensor
from ..tensor_array import TensorArray
from ..tensor_shape import TensorShape
from ..tensor_spec import Shape, format_shape, shape_is_compatible
from ..verbose import note
from .transformer import converted

State = tuple[Any, ...]
Block = Callable[..., State]


class Undefined:
    """The value of a variable that has none yet: using it is reading an unbound local."""

    def __init__(self, name: str):
        object.__setattr__(self, "name", name)

    def read(self) -> Any:
        raise UnboundLocalError(f"'{self.name}' is used before assignment")

    def __getattr__(self, attribute: str) -> Any:
        return self.read()

    def __bool__(self) -> bool:
        return self.read()

    def __iter__(self):
        return self.read()

    def __repr__(self) -> str:
        return f"Undefined({self.name!r})"


class UndefinedReturnValue:
    """The return value of a converted function that has not returned (yet)."""

    def __repr__(self) -> str:
        return "UndefinedReturnValue()"


def ret(retval: Any, do_return: Any) -> Any:
    """What the converted function returns: ``None`` if no ``return`` ran."""
    return None if isinstance(retval, UndefinedReturnValue) else retval


FOR_PYTHON_BREAK = (
    "break and return statements which depend on a TF condition are not supported in Python for "
    "loops. Did you intend to make it a TF loop?")
WHILE_BECAME_TENSOR = (
    "The condition of while loop started as non-Tensor, then changed to Tensor. This may happen "
    "either because variables changed type, or when a break or return statement inside the loop "
    "depends on a Tensor condition. In both cases, changing to a TF loop should remove the error.")
RETURN_IN_GRAPH_LOOP = (
    "a return statement cannot be placed inside this TensorFlow loop; this may happen if a return "
    "statement depends on a static Python condition such as a hyperparameter")


# -- if -----------------------------------------------------------------------------------------


def if_stmt(cond: Any, body: Block, orelse: Block, state: State, names: tuple[str, ...]) -> State:
    """``if cond:``: a graph conditional for a tensor, a Python ``if`` for anything else (the
    seed example's ``if y * y < x:``, EAGER-7)."""
    if isinstance(cond, Tensor):
        note("AG-1", "`if` on a tensor becomes ts.cond: both branches are traced")
        return _graph_if(cond, body, orelse, state, names)
    note("AG-1", "`if` on a Python %s stays a Python if", type(cond).__name__)
    note("EFFECT-6", "the Python condition is decided while tracing: one branch is traced")
    note("EFFECT-8", "a Python guard is evaluated once, while tracing")
    return body(*state) if cond else orelse(*state)


def _graph_if(cond: Tensor, body: Block, orelse: Block, state: State, names: tuple[str, ...]) -> State:
    pred = condition(cond, "if statement")
    _note_python_state(state, names, "conditional")
    outputs: dict[str, State] = {}

    def branch(block: Block, label: str) -> Callable[[], State]:
        def traced() -> State:
            values = tuple(block(*state))
            _check_branch_defines(values, names, label)
            outputs[label] = values
            if len(outputs) == 2:
                _check_branches_agree(outputs["main"], outputs["else"], names)
            return values

        return traced

    return tuple(control_flow.cond(pred, branch(body, "main"), branch(orelse, "else")))


def _check_branch_defines(values: State, names: Sequence[str], label: str) -> None:
    """AG-7: every variable used after a graph conditional is set on both paths."""
    for name, value in zip(names, values):
        if isinstance(value, Undefined):
            note("AG-7", "%r is undefined at the end of the %s branch", name, label)
            raise ValueError(f"'{name}' must also be initialized in the {label} branch")
        if isinstance(value, UndefinedReturnValue):
            note("AG-7", "the %s branch does not return", label)
            raise ValueError(f"the {label} branch must also have a return statement.")


def _check_branches_agree(main: State, orelse: State, names: Sequence[str]) -> None:
    """AG-7, AG-8: the same structure, no ``None`` and the same dtypes in both branches."""
    for name, a, b in zip(names, main, orelse):
        if not control_flow.same_structure(a, b):
            note("AG-8", "%r has another structure in each branch", name)
            raise TypeError(f"'{name}' must have the same nested structure in the main and else "
                            "branches:\n\nThe two structures don't have the same nested structure.")
        for x, y in zip(control_flow.all_leaves(a), control_flow.all_leaves(b)):
            _check_branch_values(name, x, y)


def _check_branch_values(name: str, main: Any, orelse: Any) -> None:
    for value, label in ((main, "main"), (orelse, "else")):
        if value is None:
            note("AG-7", "%r is None at the end of the %s branch", name, label)
            raise ValueError(f"'{name}' is None at the end of the {label} branch.")
    a, b = _as_tensor(main), _as_tensor(orelse)
    if a is not None and b is not None and a.dtype != b.dtype:
        note("AG-8", "%r has a different dtype in each branch", name)
        raise TypeError(f"'{name}' has dtype {a.dtype.name} in the main branch, but dtype "
                        f"{b.dtype.name} in the else branch")


def _as_tensor(value: Any) -> Tensor | None:
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, int, float, str, np.ndarray)):
        return convert_to_tensor(value)
    return None


def _note_python_state(state: State, names: Sequence[str], kind: str) -> None:
    """AG-10: a Python value among the state of graph control flow comes out as a tensor."""
    for name, value in zip(names, state):
        if isinstance(value, (bool, int, float, str)):
            note("AG-10", "the Python value of %r becomes a tensor output of the graph %s", name, kind)


def condition(value: Any, tag: str) -> Tensor:
    """A tensor condition of graph control flow: a ``bool`` scalar (or a single ``bool``)."""
    tensor = convert_to_tensor(value)
    hint = "to check for None, use `is not None`"
    if tensor.dtype != dtypes.bool_:
        raise ValueError(f"condition of {tag} expected to be `ts.bool` scalar, got {tensor}; to use "
                         f"as boolean Tensor, use `ts.cast`; {hint}")
    shape = tensor.spec.shape
    if shape is None or (shape and None in shape):
        return reshape(tensor, ())
    if shape:
        if int(np.prod(shape)) > 1:
            raise ValueError(f"condition of {tag} expected to be `ts.bool` scalar, got {tensor}; {hint}")
        return reshape(tensor, ())
    return tensor


# -- while -------------------------------------------------------------------------------------


def while_stmt(test: Callable[..., Any], body: Block, state: State, names: tuple[str, ...],
               opts: dict[str, Any]) -> State:
    """``while test:``: a graph loop if the test is a tensor the first time, else a Python loop.

    As in TensorFlow, the test is evaluated once, in a scratch graph, to decide.
    """
    with context.tracing_into(Graph("while_test")):
        first = test(*state)
    if isinstance(first, Tensor):
        note("AG-1", "`while` on a tensor becomes ts.while_loop: the body is traced once")
        return graph_loop(lambda *s: condition(test(*s), "while loop"), body, state, names, opts)
    note("AG-1", "`while` on a Python %s stays a Python loop", type(first).__name__)
    note("EFFECT-6", "a Python loop runs while tracing: its body is traced once per iteration")
    if not first:
        return state
    state = body(*state)
    while _python_bool(test(*state), WHILE_BECAME_TENSOR):
        state = body(*state)
    return state


def _python_bool(value: Any, message: str) -> bool:
    """AG-4: a Python loop whose condition turns into a tensor cannot become a graph loop."""
    try:
        return bool(value)
    except errors.OperatorNotAllowedInGraphError as error:
        note("AG-4", "the condition of a Python loop became a tensor")
        raise NotImplementedError(message) from error


# -- for ---------------------------------------------------------------------------------------


def for_stmt(iterable: Any, extra_test: Callable[..., Any] | None, body: Block, state: State,
             names: tuple[str, ...], opts: dict[str, Any]) -> State:
    """``for target in iterable:``: a graph loop over a tensor or dataset, else unrolled.

    ``body(element, *state)`` returns the new state; ``extra_test(*state)`` (from ``break``
    and ``return``) must stay true for the loop to go on.
    """
    from ..data import Dataset  # data.py uses this module for map functions

    if isinstance(iterable, Tensor):
        note("AG-2", "`for` over a tensor becomes a graph loop: the body is traced once")
        if isinstance(iterable, SymbolicTensor) and iterable.node.primitive is range_p:
            return _range_loop(iterable, extra_test, body, state, names, opts)
        return _tensor_loop(iterable, extra_test, body, state, names, opts)
    if isinstance(iterable, Dataset):
        note("AG-2", "`for` over a dataset becomes a graph loop: the body is traced once")
        return _dataset_loop(iterable, extra_test, body, state, names)
    note("AG-2", "`for` over a Python %s is unrolled while tracing", type(iterable).__name__)
    note("EFFECT-6", "a Python loop runs while tracing: its body is traced once per iteration")
    if extra_test is not None and not _python_bool(extra_test(*state), FOR_PYTHON_BREAK):
        return state
    for element in iterable:
        state = body(element, *state)
        if extra_test is not None and not _python_bool(extra_test(*state), FOR_PYTHON_BREAK):
            break
    return state


def _range_loop(iterable: SymbolicTensor, extra_test, body, state, names, opts) -> State:
    """A loop over ``ts.range``: the range itself is never built; the loop counts."""
    start, limit, delta = iterable.node.inputs
    target = opts.get("iterate_names")
    state = tuple(start if name == target and isinstance(value, Undefined) else value
                  for name, value in zip(names, state))
    step = _constant_value(delta)

    def test(iterate, *values):
        if step is not None:
            going = iterate < limit if step >= 0 else iterate > limit
        else:
            going = logical_or(logical_and(delta >= 0, iterate < limit),
                               logical_and(delta < 0, iterate > limit))
        return _and_extra_test(going, extra_test, values)

    def counted_body(iterate, *values):
        return (iterate + delta, *body(iterate, *values))

    return graph_loop(test, counted_body, (start, *state), ("<internal iterate>", *names), opts)[1:]


def _constant_value(tensor: Tensor) -> Any:
    if isinstance(tensor, SymbolicTensor) and tensor.node.primitive is constant_primitive:
        return tensor.node.attrs["value"]
    return None


def _tensor_loop(iterable: Tensor, extra_test, body, state, names, opts) -> State:
    """A loop over the rows of a tensor, read from a TensorArray of them, as TensorFlow does."""
    if iterable.shape == ():
        raise ValueError("len requires a non-scalar tensor, got one of shape ()")
    rows = TensorArray(iterable.dtype, size=0, dynamic_size=True).unstack(iterable)
    count = rows.size()

    def test(index, *values):
        return _and_extra_test(index < count, extra_test, values)

    def indexed_body(index, *values):
        return (index + 1, *body(rows.read(index), *values))

    start = convert_to_tensor(0, dtype=dtypes.int32)
    return graph_loop(test, indexed_body, (start, *state), ("<internal iterate>", *names), opts)[1:]


def _and_extra_test(going: Tensor, extra_test, values: State) -> Tensor:
    """AG-5: ``break`` (or ``return``) stops a graph loop through an extra loop test."""
    if extra_test is None:
        return going
    note("AG-5", "a graph loop with break or return: an extra loop test")
    return control_flow.cond(going, lambda: extra_test(*values), lambda: False)


def _dataset_loop(dataset, extra_test, body, state, names) -> State:
    """A loop over a dataset: its body runs once per element, inside the dataset's own loop."""
    check_defined_before(state, names)
    initial = state

    def checked_body(element, *values):
        new = tuple(body(element, *values))
        check_loop_vars(initial, values, new, names, None, check_shapes=False)
        return new

    test = None
    if extra_test is not None:
        note("AG-5", "a dataset loop with break or return: an extra loop test")
        test = lambda *values: condition(extra_test(*values), "for loop")  # noqa: E731
    return dataset.for_loop(checked_body, state, test)


# -- graph loops -------------------------------------------------------------------------------


def graph_loop(test: Callable[..., Any], body: Block, state: State, names: Sequence[str],
               opts: dict[str, Any]) -> State:
    """A ``ts.while_loop`` over the state, with AutoGraph's checks by variable name."""
    invariants = _shape_invariants(opts, state)
    for name, value, invariant in zip(names, state, invariants):
        start = _as_tensor(value)
        shape = None if start is None else start.spec.shape
        if invariant is not None and start is not None and not shape_is_compatible(shape, invariant):
            raise ValueError(f"'{name}' has shape {format_shape(shape)} before the loop, which does "
                             f"not conform with the shape invariant {format_shape(invariant)}.")
    _note_python_state(state, names, "loop")
    state, invariants, must_iterate = _define_undefineds(body, state, names, invariants)
    check_defined_before(state, names)
    initial = state

    def checked_body(*values):
        new = tuple(body(*values))
        check_loop_vars(initial, values, new, names, invariants)
        return new

    invariant_specs = [_invariant_structure(value, invariant) for value, invariant in zip(state, invariants)]
    result = control_flow.traced_while(test, checked_body, list(state), invariant_specs,
                                       opts.get("maximum_iterations"), must_iterate)
    return tuple(result)


def _shape_invariants(opts: dict[str, Any], state: State) -> list[Any]:
    """AG-9: ``set_loop_options(shape_invariants=[(x, shape), ...])``, matched by identity."""
    pairs = opts.get("shape_invariants", ())
    if pairs:
        note("AG-9", "set_loop_options gives shape invariants")
    by_id = {id(value): TensorShape(shape.dims if isinstance(shape, TensorShape) else shape).dims
             for value, shape in pairs}
    return [by_id.get(id(value)) if id(value) in by_id else None for value in state]


def _invariant_structure(value: Any, invariant: Shape | None) -> Any:
    """One variable's shape invariants, in the structure of the variable (``None``: keep)."""
    if isinstance(value, (list, tuple)):
        return type(value)(_invariant_structure(v, None) for v in value)
    if isinstance(value, dict):
        return {k: _invariant_structure(v, None) for k, v in value.items()}
    return None if invariant is None else TensorShape(invariant)


def check_defined_before(state: State, names: Sequence[str], extra: str = "") -> None:
    """AG-6, AG-7: a graph loop needs every variable defined and not ``None`` before it."""
    for name, value in zip(names, state):
        if isinstance(value, UndefinedReturnValue):
            note("AG-6", "a return statement inside a graph loop")
            raise NotImplementedError(RETURN_IN_GRAPH_LOOP)
        if value is None:
            note("AG-7", "%r is None before a graph loop", name)
            raise ValueError(f"'{name}' is not allowed to be None before the loop")
        if isinstance(value, Undefined):
            note("AG-7", "%r is undefined before a graph loop", name)
            raise ValueError(f"'{name}' must be defined before the loop" + (f"\n{extra}" if extra else ""))


def _define_undefineds(body: Block, state: State, names: Sequence[str], invariants: list[Any]):
    """Variables first assigned inside a graph loop: TensorFlow's answer.

    The body is traced once in a scratch graph (so its Python side effects happen once more)
    to learn what they become; they start as zeros of that type, and the loop must then run
    at least once (checked when the graph runs). If that trace fails, the variable stays
    undefined and ``check_defined_before`` says so, with the reason.
    """
    nulls = [value is None or isinstance(value, (Undefined, UndefinedReturnValue)) for value in state]
    if not any(nulls):
        return state, invariants, None
    try:
        scratch = Graph("loop_body_trial")
        with context.tracing_into(scratch):
            first = tuple(body(*(_placeholder_for(value, scratch) for value in state)))
        values = list(state)
        for index, null in enumerate(nulls):
            if null:
                values[index], invariants[index] = _zeros_like(first[index], state[index], invariants[index])
    except (UnboundLocalError, TypeError, ValueError, KeyError) as error:
        note("AG-7", "a loop variable could not be defined from a trial trace of the body")
        check_defined_before(state, names, "Note: AutoGraph tried to define it automatically, but ran "
                             f"into a {type(error).__name__}: {error}")
        raise AssertionError("unreachable: an undefined variable passed the check") from error
    undefined = ["the function return value" if isinstance(state[i], UndefinedReturnValue) else names[i]
                 for i, null in enumerate(nulls) if null]
    return tuple(values), invariants, f"loop must iterate at least once to initialize {', '.join(undefined)}"


def _placeholder_for(value: Any, graph: Graph) -> Any:
    if isinstance(value, (bool, int, float, str, np.ndarray, np.generic)):
        tensor = convert_to_tensor(value)
        return graph.add_placeholder(tensor.spec, "trial")
    return value


def _zeros_like(like: Any, original: Any, invariant: Shape | None) -> tuple[Any, Shape | None]:
    if like is None or isinstance(like, (Undefined, UndefinedReturnValue)):
        return original, None
    if isinstance(like, (bool, int, float)):
        return type(like)(0), None
    if isinstance(like, Tensor):
        shape = invariant if invariant is not None else like.spec.shape
        if shape is None:
            return zeros((), like.dtype), None
        return zeros([0 if d is None else d for d in shape], like.dtype), (
            shape if None in shape else None)
    if isinstance(like, (list, tuple)):
        return type(like)(_zeros_like(v, original, None)[0] for v in like), None
    if isinstance(like, dict):
        return {k: _zeros_like(v, original, None)[0] for k, v in like.items()}, None
    raise TypeError(f"Found an unsupported type '{type(like).__name__}' while creating placeholder for "
                    f"{like}. Supported types include Tensor, int, float, bool, list, tuple or dict.")


def check_loop_vars(initial: State, entry: State, exit: State, names: Sequence[str],
                    invariants: list[Any] | None, check_shapes: bool = True) -> None:
    """AG-8, AG-9: after one iteration every variable keeps its structure, dtype and shape."""
    for index, name in enumerate(names):
        before, after = entry[index], exit[index]
        if not control_flow.same_structure(initial[index], before) or \
                not control_flow.same_structure(before, after):
            note("AG-8", "%r changes its structure in a graph loop", name)
            raise TypeError(f"'{name}' does not have the same nested structure after one iteration."
                            "\n\nThe two structures don't have the same nested structure.")
        invariant = None if invariants is None else invariants[index]
        for start, x, y in zip(control_flow.all_leaves(initial[index]), control_flow.all_leaves(before),
                               control_flow.all_leaves(after)):
            _check_loop_var(name, check_shapes, start, x, y, invariant)


def _check_loop_var(name: str, check_shapes: bool, initial: Any, entry: Any, exit: Any,
                    invariant: Shape | None) -> None:
    if exit is None:
        raise ValueError(f"'{name}' is None at the end of the iteration.")
    if isinstance(exit, TensorArray) or isinstance(entry, TensorArray):
        return
    start, before, after = _as_tensor(initial), _as_tensor(entry), _as_tensor(exit)
    if before is None or after is None:
        return
    if before.dtype != after.dtype:
        note("AG-8", "%r changes its dtype in a graph loop", name)
        raise TypeError(f"'{name}' has dtype {before.dtype.name} before the loop, but dtype "
                        f"{after.dtype.name} after one iteration")
    if not check_shapes:
        return
    if invariant is None:
        if not shape_is_compatible(after.spec.shape, before.spec.shape):
            note("AG-9", "%r changes its shape in a graph loop", name)
            raise ValueError(
                f"'{name}' has shape {format_shape(before.spec.shape)} before the loop, but shape "
                f"{format_shape(after.spec.shape)} after one iteration. Use "
                "ts.autograph.experimental.set_loop_options to set shape invariants.")
        return
    if start is not None and not shape_is_compatible(start.spec.shape, invariant):
        raise ValueError(f"'{name}' has shape {format_shape(start.spec.shape)} before the loop, which does "
                         f"not conform with the shape invariant {format_shape(invariant)}.")
    if not shape_is_compatible(after.spec.shape, invariant):
        raise ValueError(f"'{name}' has shape {format_shape(after.spec.shape)} after one iteration, which "
                         f"does not conform with the shape invariant {format_shape(invariant)}.")


# -- expressions -------------------------------------------------------------------------------


def if_exp(cond: Any, if_true: Callable[[], Any], if_false: Callable[[], Any], text: str) -> Any:
    """``a if cond else b``: ``ts.cond`` for a tensor condition (both sides traced)."""
    if not isinstance(cond, Tensor):
        note("AG-11", "a conditional expression on a Python value stays Python")
        return if_true() if cond else if_false()
    note("AG-11", "a conditional expression on a tensor becomes ts.cond")
    outputs: dict[str, Any] = {}

    def branch(side: Callable[[], Any], label: str) -> Callable[[], Any]:
        def traced() -> Any:
            outputs[label] = side()
            if len(outputs) == 2:
                _check_branches_agree((outputs["main"],), (outputs["else"],), (text,))
            return outputs[label]

        return traced

    return control_flow.cond(condition(cond, "if expression"), branch(if_true, "main"),
                             branch(if_false, "else"))


def and_(a: Callable[[], Any], b: Callable[[], Any]) -> Any:
    """``a and b``: lazily, as ``ts.cond(a, b, lambda: a)`` when ``a`` is a tensor."""
    value = a()
    if isinstance(value, Tensor):
        note("AG-11", "`and` on a tensor becomes ts.cond")
        return control_flow.cond(value, b, lambda: value)
    return value and b()


def or_(a: Callable[[], Any], b: Callable[[], Any]) -> Any:
    """``a or b``: lazily, as ``ts.cond(a, lambda: a, b)`` when ``a`` is a tensor."""
    value = a()
    if isinstance(value, Tensor):
        note("AG-11", "`or` on a tensor becomes ts.cond")
        return control_flow.cond(value, lambda: value, b)
    return value or b()


def not_(a: Any) -> Any:
    """``not a``: ``ts.logical_not`` for a tensor."""
    if isinstance(a, Tensor):
        note("AG-11", "`not` on a tensor becomes ts.logical_not")
        return logical_not(a)
    return not a


def call(function: Any, /, *args: Any, **kwargs: Any) -> Any:
    """A call by name: ``range`` and ``len`` of tensors become ops; plain functions are converted
    (AG-14)."""
    if function is builtins.range and any(isinstance(a, Tensor) for a in args):
        note("AG-2", "range() of a tensor becomes ts.range")
        return ts_range(*args)
    if function is builtins.len and len(args) == 1 and isinstance(args[0], Tensor):
        return _len(args[0])
    return converted(function, recursive=True)(*args, **kwargs)


def _len(tensor: Tensor) -> Any:
    if tensor.shape == ():
        raise ValueError("len requires a non-scalar tensor, got one of shape ()")
    if tensor.spec.shape is not None and tensor.spec.shape[0] is not None:
        return tensor.spec.shape[0]
    return TensorArray(tensor.dtype, size=0, dynamic_size=True).unstack(tensor).size()
