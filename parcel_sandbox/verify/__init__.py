"""``parcel-sandbox verify``: score a tracking system against the sandbox's truth while the
sandbox drives the clock (docs/verify.md)."""
