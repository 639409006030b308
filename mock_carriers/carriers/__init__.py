"""The mock carriers: one package per carrier, each exposing its ``SPEC`` (``spec.CarrierSpec``),
listed by key in ``registry.py`` — the only place the rest of the sandbox learns their names."""
