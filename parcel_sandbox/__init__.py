"""parcel-sandbox, the application: the ``parcel-sandbox`` command, which composes the simulation
(``sim``) and the served sandbox (``mock_carriers``) — the only package that imports both."""
