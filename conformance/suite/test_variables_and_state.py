"""Conformance: the variables-and-state chapter of docs/spec, in both modes."""

from tracespec.conformance.suite import chapter_tests

test_generated, test_handwritten = chapter_tests("variables-and-state")
