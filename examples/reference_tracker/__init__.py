"""A reference parcel tracker: the small in-house tracking service a team would write, to point
at parcel-sandbox (``docs/reference-tracker.md``). It polls each carrier's own tracking API, can
take the sandbox's signed webhooks, normalises statuses into its own vocabulary, flags parcels that
fall silent, and serves ``GET /api/track/{carrier}/{tracking_number}``.

``--broken ignores-exceptions`` and ``--broken stale`` are the two deliberately wrong variants
(``variants.py``) a scoring tool must catch.
"""
