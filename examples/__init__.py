"""Examples built on parcel-sandbox: programs a tester points at a served sandbox. They reach it
over HTTP only, as a real system would, and never import ``sim`` or ``mock_carriers``."""
