"""The conformance suite: one module per spec chapter, each with generated and hand-written checks.

Run it with ``tracespec check`` or ``pytest --pyargs tracespec.conformance.suite --backend NAME``.
"""
