"""Error messages: how two messages of the same error compare (their stable core).

The reference writes TensorFlow 2.21's messages, in each mode (an eager
kernel's text, a trace-time shape inference text, a graph execution error).
What differs between backends is presentation: op type names (``AddV2``
where the reference says ``add``), node descriptions, the order of a broadcast's
two shapes (Grappler may swap an add's operands), ``[Op:...]`` suffixes,
the ``{{function_node ...}}`` prefix of eager kernel errors, tracebacks that a
backend embeds, autograph's ``in user code:`` header, object addresses.

Comparison, after both texts are spelled as the spec (``Adapter.spelled_as_spec``):

1. both are *normalised*: the presentation parts above are removed or replaced
   by a fixed token (``_NORMALISE``);
2. every ``MESSAGES`` entry whose pattern the expected message matches must
   match the actual message too, with the same text in each named group (a
   backend may declare its own pattern for an entry, by id, in
   ``Adapter.message_patterns``: then the groups it names must agree); the text an
   entry matched is then set aside;
3. every remaining line of the expected message must occur in the actual one
   (a backend may say more: tracebacks, hints).

A graph execution error that names several failed nodes (the reference names
every independent failure; which one TensorFlow reports is unspecified, ERROR-2)
matches when any one of its detections does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_AT_NODE = r"(?: for '\{\{node\}\}' with input shapes: <shapes>)?"  # the node, when traced


@dataclass(frozen=True)
class Message:
    id: str
    category: str
    pattern: str  # named groups must capture the same text in both messages


MESSAGES: tuple[Message, ...] = (
    # TENSOR-4: a symbolic tensor has no value (a backend may name its own symbolic tensors).
    Message("symbolic-numpy", "AttributeError", r"'SymbolicTensor' object has no attribute 'numpy'"),
    # OP-4: an op does not support a dtype (trace time, eagerly too under as-traced / eager
    # kernel); the lists differ.
    Message("dtype-not-allowed", "TypeError",
            r"Value passed to parameter '(?P<param>\w+)' has DataType (?P<dtype>\w+) not in list "
            r"of allowed values: [^\n]*"),
    Message("attr-not-allowed", "InvalidArgumentError",
            r"Value for attr '(?P<attr>\w+)' of (?P<dtype>\w+) is not in the list of allowed "
            r"values: [^\n]*"),
    # OP-3: true division of a dtype it does not support.
    Message("truediv-dtype", "TypeError",
            r"Invalid dtype (?P<dtype>\S+) in __truediv__\. Expected one of \{[^}]*\}\."),
    # TENSOR-1, TENSOR-2: a Python value that does not convert to the dtype asked of it,
    # with or without the op builder's preamble (TensorFlow's `==` omits it).
    Message("conversion", "TypeError",
            r"(?:Expected \w+ passed to parameter '\w+' of op '<op>', got [^\n]* of type '\w+' "
            r"instead\. Error: )?Expected (?P<dtype>\w+), but got (?P<value>[^\n]*?) of type "
            r"'(?P<type>\w+)'\."),
    # TENSOR-2 under type_promotion="jax-strict": JAX names the two dtypes in either order.
    Message("strict-promotion", "ValueError",
            r"Input dtypes \([^)]*\) have no available implicit dtype promotion path when "
            r"jax_numpy_dtype_promotion=strict\.[^\n]*"),
    # TENSOR-2 under type_promotion="jax-strict": Python's own text for an operand no operator takes.
    Message("unsupported-operand", "TypeError",
            r"(?:unsupported operand type\(s\) for (?P<op>\S+):|'(?P<compare>\S+)' not supported between "
            r"instances of) '[\w.]+' and '[\w.]+'"),
    # TENSOR-1: values no tensor can hold (their text holds an object address).
    Message("unconvertible", "ValueError",
            r"Attempt to convert a value \([^\n]*\) with an unsupported type \((?P<type>[^\n]*)\) "
            r"to a Tensor\."),
    Message("unconvertible-elements", "TypeError",
            r"Failed to convert elements of [^\n]* to Tensor\. Consider casting elements to a "
            r"supported type\.[^\n]*"),
    Message("dtype-name", "TypeError",
            r"Cannot convert the argument `type_value`: (?P<value>[^\n]*) to a \w+ DType\."),
    # TENSOR-4, ERROR-3: a symbolic tensor used as a Python bool or iterated (the hints differ).
    Message("symbolic-bool", "OperatorNotAllowedInGraphError",
            r"Using a symbolic `\w+\.Tensor` as a Python `bool` is not allowed\.[^\n]*"),
    Message("symbolic-iteration", "OperatorNotAllowedInGraphError",
            r"Iterating over a symbolic `\w+\.Tensor` is not allowed\.[^\n]*"),
    # TENSOR-4: a scalar has no length and no rows (eagerly; traced too under symbolic_iteration
    # "unrolled").
    Message("scalar-len", "TypeError", r"Scalar tensor has no `len\(\)`"),
    Message("scalar-iteration", "TypeError", r"Cannot iterate over a scalar tensor\."),
    # TRACE-10, TRACE-13: arguments that do not bind; the cause must agree, not the signature.
    Message("binding", "TypeError",
            r"Binding inputs to \w+\.function failed due to `(?P<cause>[^`]*)`\.(?: Received "
            r"args: [^\n]*)?"),
    Message("signature-cast", "TypeError", r"Can not cast TensorSpec\(shape=\S+, dtype=\w+\.\w+, "
            r"name=\w+\) to TensorSpec\(shape=\S+, dtype=\w+\.\w+, name=\w+\)"),
    Message("literal-cast", "TypeError", r"Can not cast [^\n]* to Literal\[[^\n]*"),
    # TRACE-6: an argument that cannot be keyed (its text holds an object address).
    Message("unhashable", "TypeError", r"Could not generate a generic TraceType for [^\n]*"),
    # TRACE-6 under non_tensor_arguments="error": an argument that is no array (JAX's text names
    # the function with its address); its type and path must agree.
    Message("non-array-argument", "TypeError",
            r"Error interpreting argument to [^\n]* as an abstract array\. The problematic value is of "
            r"type <class '(?P<type>[^']*)'> and was passed to the function at path (?P<path>[^\n]*)\."),
    # TRACE-14: a traced function modified its Python container arguments.
    Message("modified-arguments", "ValueError",
            r"should not modify its Python input arguments\. Modifying a copy is allowed\. The "
            r"following parameter\(s\) were modified: (?P<names>[^\n]*)"),
    # RETURN-2: a returned value that is no tensor.
    Message("return-type", "TypeError",
            r"To be compatible with \w+\.function, Python functions must return zero or more "
            r"Tensors or (?:ExtensionTypes or )?None values; in compilation of [^\n]*, found "
            r"return value of type (?P<type>\w+), which is not a Tensor(?: or ExtensionType)?\."),
    # RETURN-3: a leaked symbolic tensor (the advice differs).
    Message("out-of-scope", "TypeError",
            r"(?P<tensor><\w+\.Tensor '[^']*' shape=(?:\([^)]*\)|<unknown>) dtype=\w+>) is out of "
            r"scope and cannot be used here\.[^\n]*"),
    # ERROR-2: the frame of a graph execution error (the node naming differs).
    Message("graph-execution", "OpError", r"Graph execution error:"),
    Message("graph-node", "OpError",
            r"Detected at node (?:'[^']*'(?: in graph '[^']*')?:|\S+ defined at [^\n]*)"),
    # EFFECT-3: a ts.py_function callback returned too few values (the counter differs).
    Message("py-function-results", "InvalidArgumentError",
            r"pyfunc_\d+ returns (?P<got>\d+) values, but expects to see (?P<want>\d+) values\."),
    # OP-2, OP-6: an op's rule rejects static shapes (while tracing; eagerly too under
    # eager_op_errors="as-traced", without the node). Broadcasting, and matmul's inner
    # dimensions (TensorFlow says the same for both).
    Message("broadcast", "ValueError",
            r"Dimensions must be equal, but are (?P<a>\d+) and (?P<b>\d+)" + _AT_NODE),
    Message("rank", "ValueError", r"Shape must be (?:at least )?rank (?P<want>\d+) but is rank "
            r"(?P<rank>\d+)" + _AT_NODE),
    Message("reshape", "ValueError",
            r"(?:Cannot reshape a tensor with (?P<size>\d+) elements to shape \S+ \(\d+ elements\)|"
            r"Dimension size must be evenly divisible by \d+ but is \d+)" + _AT_NODE),
    Message("merge-shapes", "ValueError",
            r"Dimension \d+ in both shapes must be equal, but are (?P<a>\d+) and (?P<b>\d+)\. Shapes "
            r"are \S+ and \S+\.(?:\n\tFrom merging shape \d+ with other shapes\.)?" + _AT_NODE),
    Message("concat-scalars", "ValueError",
            r"Can't concatenate scalars \(use \w+\.stack instead\)" + _AT_NODE),
    Message("axis", "ValueError",
            r"(?:Invalid reduction dimension (?P<axis>-?\d+) for input with \d+ dimensions\.|"
            r"Argument `axis` = (?P<stack_axis>-?\d+) not in range \[-?\d+, \d+\))" + _AT_NODE),
    Message("too-many-indices", "ValueError",
            r"Index out of range using input dim \d+; input has only \d+ dims" + _AT_NODE),
    # TENSOR-2, OP-4: operands of different dtypes (the op's rule, both modes under as-traced).
    Message("dtype-mismatch", "TypeError",
            r"Input '(?P<param>\w+)' of '<op>' Op has type (?P<dtype>\w+) that does not match "
            r"(?:type (?P<first>\w+) of argument '\w+'|expected type of (?P<want>\w+))\."),
    Message("list-dtype-mismatch", "TypeError",
            r"Tensors in list passed to '\w+' of '<op>' Op have types \[(?P<dtypes>[^\]]*)\] that "
            r"don't all match\."),
    # CF-3, CF-6: branches that disagree, loop variables that change dtype or shape.
    Message("cond-branches", "TypeError",
            r"true_fn and false_fn arguments to \w+\.cond must have the same number, type, and overall "
            r"structure of return values\."),
    Message("loop-var-dtype", "TypeError",
            r"Loop var \S+ enters the loop with type [^\n]* but has type [^\n]* after 1 iteration\. "
            r"\S+ type should remain constant\."),
    Message("loop-var-shape", "ValueError",
            r"Input tensor `[^`]*` enters the loop with shape \S+, but has shape \S+ after one "
            r"iteration\.[^\n]*"),
    # VAR-4: an initial value get_concrete_function cannot compute (TensorFlow names the path).
    Message("unliftable", "UnliftableError",
            r"Unable to lift tensor [^\n]* because it depends transitively on placeholder[^\n]*"),
    # VAR-5: a first trace that created variables, then failed (TensorFlow's text is internal).
    Message("broken-first-trace", "TypeError", r"replace\(\) should be called on dataclass instances[^\n]*"),
)

def _either_order(match: re.Match[str]) -> str:
    return "Incompatible shapes: " + " vs. ".join(sorted(match.groups()))


_NORMALISE: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in (
        (r"\{\{function_node [^}]*\}\}\s*", ""),            # eager kernel prefix
        (r"[ \t]*\[Op:[^\]]*\](?: name: \S*)?", ""),        # eager op suffix
        (r"\s*\[\[\{\{node [^}]*\}\}\]\]", ""),             # graph execution node tag
        (r"'\{\{node [^}]*\}\} = [^']*'", "'{{node}}'"),     # node descriptions
        (r"\{\{node [^}]*\}\}", "{{node}}"),
        (r"with input shapes: [^\n]*", "with input shapes: <shapes>"),
        (r"cannot compute \S+ as input", "cannot compute <op> as input"),
        (r"of '\w+' Op\b", "of '<op>' Op"),
        (r"of op '\w+'", "of op '<op>'"),
        # a broadcast's two shapes in either order: Grappler may swap the operands of an add
        (r"Incompatible shapes: (\[[^\]]*\]) vs\. (\[[^\]]*\])", _either_order),
    )
)


def core(message: str) -> str:
    """The innermost message: the last non-empty line, without the presentation parts."""
    lines = [line.strip() for line in normalise(message).strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def normalise(message: str) -> str:
    """``message`` without the presentation parts that differ between backends."""
    for pattern, replacement in _NORMALISE:
        message = pattern.sub(replacement, message)
    return message


def same_message(expected: str, actual: str, patterns: Mapping[str, str] = {}) -> bool:
    """Whether ``actual`` keeps the stable core of ``expected`` (see the module docstring)."""
    want, got = normalise(expected), normalise(actual)
    sections = re.split(r"\n\n(?=Detected at node )", want)
    if len(sections) > 2:  # several failed nodes: any one of them
        head = sections[0]
        return any(_same(f"{head}\n\n{section}", got, patterns) for section in sections[1:])
    return _same(want, got, patterns)


def _same(want: str, got: str, patterns: Mapping[str, str]) -> bool:
    for entry in MESSAGES:
        for match in list(re.finditer(entry.pattern, want)):
            groups = match.groupdict()
            theirs = re.finditer(patterns.get(entry.id, entry.pattern), got)
            # a backend's own pattern compares the groups it names (its wording may lack some)
            if not any(all(groups.get(k) == v for k, v in m.groupdict().items()) for m in theirs):
                return False
            want = want.replace(match.group(0), "\n", 1)
    return all(line.strip() in got for line in want.splitlines() if line.strip())
