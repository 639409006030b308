"""The calibration figures' working-day count (tests/calibration_metrics.py): public holidays skipped,
or only those a carrier closes when the figure is in its business days."""

from __future__ import annotations

from datetime import date

import pytest

from sim.profiles import closed_holidays
from tests.calibration_metrics import MON_FRI, MON_SAT, working_days_between

pytestmark = pytest.mark.unit

MON_9_NOV, FRI_13_NOV = date(2026, 11, 9), date(2026, 11, 13)  # Wednesday 11 Nov: Veterans Day


def test_working_days_skip_public_holidays_by_default() -> None:
    assert working_days_between(MON_9_NOV, FRI_13_NOV, MON_FRI, "US", "NY") == 3
    assert working_days_between(MON_9_NOV, MON_9_NOV, MON_FRI, "US", "NY") == 0
    assert working_days_between(FRI_13_NOV, date(2026, 11, 16), MON_SAT, "US", "NY") == 2  # Sat, Mon


def test_a_carriers_business_days_skip_only_the_holidays_it_closes() -> None:
    ups, usps = closed_holidays("ups", "US"), closed_holidays("usps", "US")
    assert working_days_between(MON_9_NOV, FRI_13_NOV, MON_FRI, "US", "NY", ups) == 4  # UPS works it
    assert working_days_between(MON_9_NOV, FRI_13_NOV, MON_FRI, "US", "NY", usps) == 3  # USPS does not
    # Thanksgiving (Thursday 26 Nov) is closed for UPS too
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 27), MON_FRI, "US", "NY", ups) == 3
