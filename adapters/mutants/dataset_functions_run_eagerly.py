"""Mutant: under ``run_functions_eagerly(True)`` a dataset's map function runs eagerly, once
per element, like ``tf.data``'s debug mode (DATA-4: the switch does not apply to dataset
functions; they run as graphs, their Python once per trace).

Witness, eager::

    @ts.function
    def f(n):
        def double(e):
            log("map function")
            return e * 2
        s = ts.constant(0, ts.int64)
        for e in ts.data.Dataset.range(n).map(double):
            s += e
        return s

    f(ts.constant(3, ts.int64))
"""

from dataclasses import dataclass
from typing import Any

from tracespec.reference import autograph, eager_switch, nest, variant
from tracespec.reference.control_flow import leaf_tensor, repack
from tracespec.reference.data import Dataset, Pipeline
from tracespec.reference.tensor import EagerTensor

from .base import Mutant, patch

_original = Dataset.map


@dataclass(frozen=True, eq=False)
class EagerMapped(Pipeline):
    source: Pipeline
    function: Any
    spec: Any

    def elements(self):
        specs = nest.flatten(self.spec)
        for element in self.source.elements():
            values = repack(self.spec, [EagerTensor(a, s.dtype) for a, s in zip(element, specs)])
            result = self.function(*values) if isinstance(self.spec, tuple) else self.function(values)
            yield [leaf_tensor(leaf)._value for leaf in nest.flatten(result)]


def map(self, map_func):
    mapped = _original(self, map_func)  # traced once, for the element structure
    if not eager_switch.functions_run_eagerly():
        return mapped
    pipeline = EagerMapped(self._variant._value[()], autograph.converted(map_func), self.element_spec)
    return Dataset(variant.eager(pipeline), mapped.element_spec, "_MapDataset")


adapter = Mutant(__name__, "dataset map functions run eagerly under the run-eagerly switch",
                 lambda: [patch(Dataset, "map", map)], breaks=[("data-pipelines", "eager")])
