"""Fault injection: the ``faults:`` configuration, HTTP faults, rate limits, scan-data faults and
their metrics."""
