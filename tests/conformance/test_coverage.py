"""The coverage account: what a scenario run reached, and the runs added up."""

from __future__ import annotations

import json

from support import cli, scenario

from tracespec.adapters.reference import ReferenceAdapter
from tracespec.conformance import runner
from tracespec.conformance.coverage import MIN_GRAPH_RUNS, Account, Reach
from tracespec.conformance.scenario import Call


def reach_of(source, *steps, eager=False, **kwargs) -> Reach:
    return runner.predict(scenario(source, *steps, **kwargs), ReferenceAdapter(), eager)[1]


def test_a_pruned_op_is_reached_but_not_run_in_a_graph():
    reach = reach_of("""
        @ts.function
        def f(x):
            unused = ts.gather(x, [5])
            y = ts.abs(x) + 1
            return y
        """, Call("f", "ts.constant([1.0])"))
    assert {"gather", "abs", "add"} <= reach.ops
    assert {"abs", "add"} <= reach.graph_ops and "gather" not in reach.graph_ops
    assert {"gather", "abs", "Tensor.__add__"} <= reach.names
    assert {"abs", "Tensor.__add__"} <= reach.graph_names and "gather" not in reach.graph_names
    assert "EFFECT-5" in reach.rules


def test_eager_runs_execute_no_graph():
    reach = reach_of("""
        @ts.function
        def f(x):
            return x * 2
        """, Call("f", "ts.constant([1.0])"), eager=True)
    assert "multiply" in reach.ops and not reach.graph_ops
    assert {"EAGER-2", "EAGER-3", "EAGER-6"} <= reach.rules


def test_tensor_api_counts_only_when_the_program_uses_it():
    reach = reach_of("""
        @ts.function
        def f(x):
            return ts.add(x, 1)
        """, Call("f", "ts.constant([1.0])"))
    # ts.add reads x.dtype and x.shape internally: that is not the program using them
    assert "add" in reach.names and not {"Tensor.dtype", "Tensor.shape"} & reach.names
    reach = reach_of("""
        @ts.function
        def f(x):
            log(str(x.dtype))
            return x[0]
        """, Call("f", "ts.constant([1.0])"))
    assert {"Tensor.dtype", "Tensor.__getitem__"} <= reach.names


def test_the_account_adds_runs_per_mode_graph_and_source():
    account = Account()
    reach = Reach(rules={"TRACE-1"}, ops={"add"}, graph_ops={"add"})
    account.add(reach, "traced", handwritten=False)
    account.add(reach, "eager", handwritten=False)
    account.add(reach, "traced", handwritten=True)
    data = account.as_json()
    assert data["rule"]["TRACE-1"] == {"eager": 1, "traced": 1, "graph": 0, "handwritten": 1}
    assert data["op"]["add"] == {"eager": 1, "traced": 1, "graph": 2, "handwritten": 1}
    assert Account.from_pairs(account.as_pairs()).counts == account.counts
    shortfalls = account.shortfalls({"TRACE-2": "a reason"})
    assert "rule TRACE-3: no generated run starting eager or traced" in shortfalls
    assert not any(s.startswith("rule TRACE-2") or s.startswith("rule TRACE-1:") for s in shortfalls)
    assert "op add: 2 generated runs executed it in a graph (at least 5 needed)" in shortfalls


def test_the_ci_profile_reaches_everything_on_the_reference(tmp_path):
    """Issue 8's bar: every rule, vocabulary name, op (5 graph runs), step kind, argument kind
    and channel is reached by generated scenarios in both modes, or is exempt with a reason."""
    result = cli("check", "--profile", "ci", "--report", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["shortfalls"] == []
    assert all(reason.strip() for reason in data["not_generated"].values())
    for kind in ("rule", "name", "op", "step", "argument", "channel"):
        assert data["coverage"][kind], kind
    for rule, counts in data["coverage"]["rule"].items():
        if rule not in data["not_generated"]:
            assert counts["eager"] > 0 and counts["traced"] > 0, rule
    assert all(counts["graph"] >= MIN_GRAPH_RUNS for counts in data["coverage"]["op"].values())
