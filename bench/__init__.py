"""Benchmarks of Score-Function Lab: `python -m bench` prints every workload against its limit.

Benchmarks print; they never fail on a time and are not part of the pytest suite.
"""
