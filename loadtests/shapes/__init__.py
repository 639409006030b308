"""Load shapes, one per file so that each can be added to a locust ``-f`` list on its own:
``daily.py`` (a day in N minutes), ``spike.py`` (Cyber Monday), ``step_ramp.py`` (find the knee).
Their arithmetic is in ``curves.py``, which pytest can import without locust."""
