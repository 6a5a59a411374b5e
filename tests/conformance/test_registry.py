"""The adapter registry: names, entry points, the built-in mutants and ``module:attribute``."""

from __future__ import annotations

import sys
import textwrap

import pytest

from tracespec.adapters import registry
from tracespec.adapters.base import Adapter

TINY_MODULE = '''
from tracespec.adapters.reference import ReferenceAdapter


class TinyAdapter(ReferenceAdapter):
    name = "tiny"

    def version(self):
        return "tiny-1.0"


adapter = TinyAdapter()
not_an_adapter = object()
'''


@pytest.fixture
def tiny_module(tmp_path, monkeypatch):
    name = f"tiny_backend_{abs(hash(str(tmp_path))) % 10**8}"
    (tmp_path / f"{name}.py").write_text(TINY_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def test_unknown_backend_lists_the_known_ones():
    with pytest.raises(registry.AdapterError) as caught:
        registry.load("no-such-backend")
    message = str(caught.value)
    assert "no-such-backend" in message
    for known in ("reference", "mutant-no-pruning", "mutant-stateful-reordered"):
        assert known in message
    assert "module:attribute" in message


def test_known_backends_come_from_entry_points_and_the_mutants_package():
    known = registry.known_backends()
    assert known["reference"] == "tracespec.adapters.reference:adapter"
    assert known["mutant-no-pruning"] == "tracespec.adapters.mutants.no_pruning:adapter"
    assert len(registry.mutants()) >= 13 and "mutant-base" not in known


def test_module_attribute_loading(tiny_module):
    adapter = registry.load(f"{tiny_module}:adapter")
    assert adapter.name == "tiny" and adapter.version() == "tiny-1.0"
    from_class = registry.load(f"{tiny_module}:TinyAdapter")  # a class is instantiated
    assert isinstance(from_class, Adapter) and from_class.name == "tiny"
    assert registry.importable(f"{tiny_module}:adapter") == (True, "tiny-1.0")


def test_module_attribute_errors(tiny_module):
    with pytest.raises(registry.AdapterError, match="no attribute 'missing'"):
        registry.load(f"{tiny_module}:missing")
    with pytest.raises(registry.AdapterError, match="could not be imported") as caught:
        registry.load("no_such_module_for_tracespec:adapter")
    assert "module in the current directory" in str(caught.value)
    assert "pip install" not in str(caught.value)  # no install hint for a module:attribute name
    with pytest.raises(registry.AdapterError, match="does not implement the adapter protocol"):
        registry.load(f"{tiny_module}:not_an_adapter")
    ok, reason = registry.importable("no_such_module_for_tracespec:adapter")
    assert not ok and "could not be imported" in reason


def _write_module(tmp_path, monkeypatch, name, text):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_adapter_without_tracing_count_is_rejected(tmp_path, monkeypatch):
    _write_module(tmp_path, monkeypatch, "no_count_backend", """
        import tracespec.reference as ts
        from tracespec.adapters.base import Adapter

        class NoCount(Adapter):
            name = "no-count"
            def version(self): return "0"
            def namespace(self, on_print): return ts
            def set_run_eagerly(self, flag): ts.config.run_functions_eagerly(flag)
            def run_eagerly(self): return ts.config.functions_run_eagerly()
            def to_numpy(self, value): return None

        class Plain:  # not an Adapter subclass at all
            name = "plain"
            policies = None
            capabilities = frozenset()
            def version(self): return "0"

        class Unknown(NoCount):
            capabilities = frozenset({"ops", "teleport"})
            def tracing_count(self, function): return 0
        """)
    with pytest.raises(registry.AdapterError) as caught:
        registry.load("no_count_backend:NoCount")
    message = str(caught.value)
    assert "tracing_count" in message
    for present in ("version", "namespace", "to_numpy", "set_run_eagerly"):
        assert present not in message.split("missing")[1]
    with pytest.raises(registry.AdapterError) as caught:
        registry.load("no_count_backend:Plain")
    for absent in ("namespace", "tracing_count", "to_numpy", "session"):
        assert absent in str(caught.value)
    with pytest.raises(registry.AdapterError, match="teleport"):
        registry.load("no_count_backend:Unknown")
