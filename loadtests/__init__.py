"""Load tests for the sandbox (and for a tracking system pointed at it), written for locust.

Locustfiles — one user class per behaviour; pass them to ``locust -f`` (comma-separated):

- ``loadtests/shoppers.py``    ``ShopperUser``: people refreshing a tracking page (the sandbox's own,
  or the tracker under test with ``--tracker-url-template``);
- ``loadtests/aggregators.py`` ``AggregatorUser``: a tracking aggregator polling every carrier's API.

Load shapes, one per file (add one to the ``-f`` list): ``loadtests/shapes/daily.py`` (a day in N
minutes along the scenario's demand curve), ``loadtests/shapes/spike.py`` (Cyber Monday),
``loadtests/shapes/step_ramp.py`` (step ramp that reports the knee).

Only the locustfiles, ``hooks.py`` and the shape files import locust: everything pytest imports
(``policy``, ``carrier_apis``, ``sandbox``, ``serving``, ``shapes.curves``) stays free of it, because
locust monkey-patches the process with gevent. ``python -m loadtests.smoke`` is ``make loadtest``;
``python -m loadtests.measure`` (with the closed-loop ``one_route.py`` locustfile) produces the
figures in docs/loadtests.md, which documents all of it.
"""
