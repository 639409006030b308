"""Figures measured for a whole market, shared by the carriers that serve it (not one carrier's fact)."""

from __future__ import annotations

#: Germany, B2C national parcels, pick-up to first delivery attempt in working days (Mon–Sat):
#: cumulative shares by E+1, E+2, E+3 — Bundesnetzagentur: E+1 ≈ 80 %, E+2 ≈ 96 %, ~3.9 % take
#: longer than two working days (docs/realism.md §10); E+3 an assumption (nearly all).
BNETZA_TRANSIT_SHARES: tuple[float, ...] = (0.80, 0.961, 0.995)

#: Germany: about two thirds handed to the recipient at home and ~1/5 redirected by the recipient
#: (Bundesnetzagentur 2022, docs/realism.md §1 row 4); the first attempt succeeds for the large
#: majority once neighbours and drop-off permissions count. Parcel Monitor puts the UK at 93.7 % and
#: the US at 97.2 % (docs/realism.md §3); Germany is taken between them (an assumption).
DE_FIRST_ATTEMPT = 0.95

#: Germany: share of the parcels reaching a delivery base that its tours leave for the next working
#: day (tours full, districts unstaffed), drawn anew each day. No carrier publishes it; it is set so
#: the world keeps the Bundesnetzagentur's tail — ~3.9 % of parcels take longer than two working
#: days (docs/realism.md §10) — which one night's miss (a late pickup, a long diagonal) cannot
#: explain: those parcels all make E+2 (an assumption, calibrated).
DE_CARRY_OVER = 0.06
