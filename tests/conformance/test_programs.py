"""What the generators leave out: constructs whose outcome the spec leaves unspecified, or that
TensorFlow's graph optimizer (Grappler) decides differently from the spec's kernels.

Each test checks generated scenarios by an independent reading (the program's text, or what
the reference was called with), not by the generators' own bookkeeping.
"""

from __future__ import annotations

import ast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracespec.adapters.reference import ReferenceAdapter
from tracespec.conformance import chapters
from tracespec.conformance.chapters import tracing_and_cache
from tracespec.conformance.draws import combined
from tracespec.conformance.runner import predict
from tracespec.reference.concrete_function import ConcreteFunction

CALL_FLAT = ConcreteFunction.call_flat  # patched per example, always around the original
SETTINGS = settings(max_examples=300, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _depends(tree: ast.FunctionDef):
    """Whether an expression of the function depends on its parameters (a use of ``.shape``
    or ``.dtype`` alone does not: that is known while tracing)."""
    computed = {a.arg for node in ast.walk(tree) if isinstance(node, ast.arguments) for a in node.args}

    def depends(node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute) and node.attr in ("shape", "dtype"):
            return False
        if isinstance(node, ast.Name):
            return node.id in computed
        return any(depends(child) for child in ast.iter_child_nodes(node))

    assigned = [(node.targets, node.value) for node in ast.walk(tree) if isinstance(node, ast.Assign)]
    for _ in assigned:  # a fixed point, whatever order the blocks assign in
        computed.update(t.id for targets, value in assigned if depends(value)
                        for t in targets if isinstance(t, ast.Name))
    return depends


def _functions(scenario) -> list[ast.FunctionDef]:
    return [node for node in ast.walk(ast.parse(scenario.source)) if isinstance(node, ast.FunctionDef)]


def _computed(tree: ast.FunctionDef) -> list[tuple[ast.expr, bool, bool]]:
    """Every operand pair of ``|``, ``&``, ``ts.logical_or`` and ``ts.logical_and`` in a
    function, each operand with whether it depends on the function's parameters."""
    depends = _depends(tree)
    pairs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.BitAnd)):
            operands = (node.left, node.right)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("logical_or", "logical_and") and len(node.args) == 2):
            operands = tuple(node.args)
        else:
            continue
        if not any(isinstance(o, ast.Constant) for o in operands):  # `False | c` absorbs nothing
            pairs.append((node, depends(operands[0]), depends(operands[1])))
    return pairs


@pytest.mark.parametrize("slug", ["tensors-and-ops", "tracing-and-cache", "errors"])
@SETTINGS
@given(data=st.data())
def test_OP_6_no_absorbing_op_mixes_a_constant_tensor_with_a_computed_one(slug, data):
    # Grappler folds `c | t` to all True when it can compute an all-True `t` from constants
    # (`ts.not_equal(ts.zeros([2], ts.float64), 0.0625)`), dropping the broadcast error of a `c`
    # of relaxed shape that the spec's kernel raises (TensorFlow's eighth thorough run).
    scenario = data.draw(chapters.BY_SLUG[slug].scenarios())
    for function in _functions(scenario):
        for node, left, right in _computed(function):
            assert left == right, f"{ast.unparse(node)} in\n{scenario.source}"


def _folded_powers(tree: ast.AST) -> list[ast.expr]:
    """Every ``x ** e`` and ``ts.pow(x, e)`` with an ``x`` that depends on the function's
    parameters and an exponent that is a zero literal or a tensor that does not."""
    depends = _depends(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            base, exponent = node.left, node.right
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "pow" and len(node.args) == 2):
            base, exponent = node.args
        else:
            continue
        if not depends(base):
            continue  # all constant: folding it hides nothing
        if isinstance(exponent, ast.Constant):
            if exponent.value == 0:
                found.append(node)
        elif isinstance(exponent, ast.Name) and not depends(exponent) and exponent.id != "ts":
            found.append(node)
    return found


@pytest.mark.parametrize("slug", ["tensors-and-ops", "errors"])
@SETTINGS
@given(data=st.data())
def test_OP_6_no_power_has_an_exponent_grappler_can_fold(slug, data):
    # Grappler rewrites `x ** 0` as ones, so a graph never runs x's failing producer
    # (`ts.pow(ts.cast(ts.gather(x, i), ts.int64), 0)`; TensorFlow's ninth thorough run).
    scenario = data.draw(chapters.BY_SLUG[slug].scenarios())
    for function in _functions(scenario):
        folded = _folded_powers(function)
        assert not folded, f"{ast.unparse(folded[0])} in\n{scenario.source}"


@SETTINGS
@given(data=st.data())
def test_TRACE_13_a_concrete_function_is_called_only_with_tensors_of_a_fitting_shape(data, monkeypatch):
    # A tensor of the spec's dtype but another shape runs a graph built for the spec's shape:
    # TensorFlow's, optimized for it, computes what the spec's kernels would not (TRACE-13
    # leaves it unspecified; TensorFlow's eighth thorough run).
    calls: list[tuple[list, list]] = []

    def recording(self, arguments):
        calls.append(([p.spec for p in self.graph.placeholders], list(arguments)))
        return CALL_FLAT(self, arguments)

    monkeypatch.setattr(ConcreteFunction, "call_flat", recording)
    variant, _ = tracing_and_cache.VARIANTS["concrete"]
    scenario = combined("tracing-and-cache", [data.draw(variant())])
    for eager in (False, True):
        predict(scenario, ReferenceAdapter(), eager)
    for specs, arguments in calls:
        for spec, argument in zip(specs, arguments):
            if spec.dtype != argument.dtype or spec.shape is None:  # None: any rank fits
                continue
            dims, shape = spec.shape, tuple(argument.shape)
            fits = len(dims) == len(shape) and all(d in (None, n) for d, n in zip(dims, shape))
            assert fits, f"{shape} passed to a trace for {dims} in\n{scenario.source}\n{scenario.steps}"
