"""Reproducers: a failing scenario as a script someone can run.

Two forms. A backend that declares a ``Spelling`` (``Adapter.spelling``; TensorFlow and JAX do)
gets a *native* reproducer: a standalone script that imports only the framework, with the
program and the call script written in the framework's own terms, the spec's expectation as a
comment above each step, and, at the end, what to look for (where the backend departed). It
can go into the framework's issue tracker as it is. Every other backend (the reference, the
mutants, an adapter without a spelling) gets today's form, which loads the backend through
tracespec (``backend_import``): ``Scenario.reproducer``.

The native spelling is a rewrite of the program's syntax tree: ``ts.<name>`` becomes
``Spelling.names[name]`` (a dotted key such as ``config.run_functions_eagerly`` spells a
member), ``x.<method>(...)`` becomes ``Spelling.methods[method]`` over ``{self}`` and
``{args}``; the helpers a spelling refers to (``Spelling.definitions``) are included when the
script uses them. A program using a name the spelling lacks gets today's form.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from tracespec.adapters.base import Adapter, Spelling

from .observation import Difference, StepRecord, show
from .scenario import HELPERS, Call, Concrete, Scenario, SetEager, SetGlobal


def backend_import(name: str, adapter: Adapter) -> str:
    """The lines a reproducer starts with to get ``ts`` for the backend ``name``."""
    if name == "reference":
        return "import tracespec.reference as ts"
    return (
        "from tracespec.adapters.registry import load\n"
        f"backend = load({name!r})\n"
        "session = backend.session()\n"
        "session.__enter__()\n"
        "ts = backend.namespace(print)"
    )


class Unspellable(Exception):
    """The program uses a name the backend's spelling lacks."""


def native(scenario: Scenario, adapter: Adapter, eager: bool, expected: Sequence[StepRecord],
           differences: Sequence[Difference], rules: Sequence[str] = ()) -> str | None:
    """The scenario as a standalone script in the backend's own spelling (None: no spelling)."""
    spelling = adapter.spelling
    if spelling is None:
        return None
    try:
        return _Script(spelling, adapter, scenario, eager, expected, differences, rules).text()
    except Unspellable:
        return None


class _Script:
    def __init__(self, spelling: Spelling, adapter: Adapter, scenario: Scenario, eager: bool,
                 expected: Sequence[StepRecord], differences: Sequence[Difference],
                 rules: Sequence[str]):
        self.spelling, self.adapter, self.scenario = spelling, adapter, scenario
        self.eager, self.expected, self.differences, self.rules = eager, expected, differences, rules

    def text(self) -> str:
        s, name, scenario = self.spelling, self.adapter.name, self.scenario
        assigned = [f"{k} = {respell(v, s)}" for k, v in scenario.globals.items()]
        program = respell(scenario.source, s)
        calls = self._calls()
        helpers = respell(_used_helpers("\n".join([*assigned, program, *calls])), s)
        needed = _closure(_names("\n".join([helpers, *assigned, program, *calls])), s.definitions)
        mode = "eager" if self.eager else "traced"
        lines = [
            f"# A tracespec reproducer for {name} {self.adapter.version()}: chapter {scenario.chapter}, "
            f"starting {mode}.",
            "# Spec rules reached: " + (", ".join(self.rules) or "none") + ".",
            f"# It needs only {name}. Each step prints its result (or its error) and the tracing",
            "# counts; the comment above a step says what the spec expects; what to look for is at",
            "# the end.",
            *(f"# {note}" for note in s.notes),
            s.prelude.rstrip(),
            "",
            *(source.rstrip() + "\n\n" for defined, source in s.definitions.items() if defined in needed),
            helpers,
            *assigned,
            "",
            "",
            program,
            "",
            "",
            "# call script",
            *calls,
            "",
            f"# What to look for: where {name} departed from the spec",
            *(f"#   step {d.step} ({d.aspect}): the spec expects {_one_line(d.expected)}; "
              f"{name} gave {_one_line(d.actual)}" for d in self.differences),
        ]
        return "\n".join(lines) + "\n"

    def _calls(self) -> list[str]:
        s = self.spelling
        lines = [s.set_eager.format(flag=self.eager)]
        for number, step in enumerate(self.scenario.steps, start=1):
            record = self.expected[number] if number < len(self.expected) else None
            if record is not None and not isinstance(step, (SetEager, SetGlobal)):
                lines.append(f"# {number}. the spec expects: {_expectation(record)}")
            if isinstance(step, SetEager):
                lines.append(s.set_eager.format(flag=step.flag))
            elif isinstance(step, SetGlobal):
                lines.append(f"{step.name} = {respell(step.value, s)}")
            else:
                call = respell(step.source() if isinstance(step, Call) or step.name is None
                               else f"{step.function}.get_concrete_function({step.args})", s)
                if isinstance(step, Concrete) and step.name is not None:
                    lines += [f"try:\n    {step.name} = {call}",
                              f"except Exception as e:\n    print({number}, type(e).__name__, e)"]
                else:
                    lines += [f"try:\n    print({number}, repr({call}))",
                              f"except Exception as e:\n    print({number}, type(e).__name__, e)"]
                counts = ", ".join(f"{f}=" + "{}" for f in self.scenario.functions)
                values = ", ".join(s.tracing_count.format(function=f) for f in self.scenario.functions)
                lines.append(f"print('tracing counts: {counts}'.format({values}))")
        return lines


def _expectation(record: StepRecord) -> str:
    parts = [show(record.outcome) if record.outcome is not None else "no value"]
    if record.events:
        parts.append("events: " + "; ".join(str(event) for event in record.events))
    if record.tracing_counts:
        parts.append("tracing counts: " + ", ".join(f"{k}={v}" for k, v in record.tracing_counts.items()))
    return _one_line("; ".join(parts))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def respell(source: str, spelling: Spelling) -> str:
    """``source`` (over ``ts``) in the backend's own terms; ``Unspellable`` if a name is missing."""
    tree = _Respell(spelling).visit(ast.parse(source))
    ast.fix_missing_locations(tree)
    if any(isinstance(node, ast.Name) and node.id == "ts" for node in ast.walk(tree)):
        raise Unspellable(source)
    text = ""
    for previous, statement in zip([None, *tree.body], tree.body):
        apart = isinstance(statement, _BLOCKS) or isinstance(previous, _BLOCKS)
        text += ("\n\n\n" if apart else "\n") if previous is not None else ""
        text += ast.unparse(statement)
    return text


_BLOCKS = (ast.FunctionDef, ast.ClassDef)


class _Respell(ast.NodeTransformer):
    def __init__(self, spelling: Spelling):
        self.spelling = spelling

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        path = _vocabulary_path(node)
        if path is not None:
            for end in range(len(path), 0, -1):
                spelled = self.spelling.names.get(".".join(path[:end]))
                if spelled is not None:
                    result: ast.expr = ast.parse(spelled, mode="eval").body
                    for attr in path[end:]:
                        result = ast.Attribute(result, attr, ast.Load())
                    return result
            return node
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in self.spelling.methods:
            arguments = [ast.unparse(a) for a in node.args]
            arguments += [ast.unparse(k) for k in node.keywords]
            text = self.spelling.methods[func.attr].format(self=ast.unparse(func.value),
                                                            args=", ".join(arguments))
            return ast.parse(text, mode="eval").body
        return node


def _vocabulary_path(node: ast.expr) -> list[str] | None:
    """``["config", "run_functions_eagerly"]`` for ``ts.config.run_functions_eagerly``."""
    path = []
    while isinstance(node, ast.Attribute):
        path.insert(0, node.attr)
        node = node.value
    return path if isinstance(node, ast.Name) and node.id == "ts" else None


def _used_helpers(source: str) -> str:
    """The statements of ``HELPERS`` (imports included) that ``source`` needs, in their order."""
    statements = ast.parse(HELPERS).body
    defines = {id(node): _defined(node) for node in statements}
    definitions = {name: ast.unparse(node) for node in statements for name in defines[id(node)]}
    needed = _closure(_names(source), definitions)
    return "\n\n".join(ast.unparse(node) for node in statements if defines[id(node)] & needed)


def _defined(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {target.id for target in node.targets if isinstance(target, ast.Name)}
    return set()


def _names(source: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}


def _closure(used: set[str], definitions: dict[str, str]) -> set[str]:
    """The definitions ``used`` needs, and those they need in turn."""
    needed: set[str] = set()
    todo = [name for name in used if name in definitions]
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo += [n for n in _names(definitions[name]) if n in definitions and n not in needed]
    return needed
