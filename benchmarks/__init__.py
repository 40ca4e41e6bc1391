"""Benchmarks of the two engines against a numpy floor, PyTorch and micrograd.

Run them all with ``python -m benchmarks.run`` (``--quick`` for a smoke run).
"""
