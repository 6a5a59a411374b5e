"""The ops, grouped by family. Each op is one ``Primitive`` plus a TensorFlow-shaped function."""
