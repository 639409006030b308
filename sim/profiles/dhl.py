"""DHL: DHL Paket in Germany (Mon–Sat, Filiale or Packstation after a failed attempt), DHL Express
across borders, DHL eCommerce in the US."""

from __future__ import annotations

from types import MappingProxyType

from sim.profiles.markets import BNETZA_TRANSIT_SHARES, DE_CARRY_OVER, DE_FIRST_ATTEMPT
from sim.profiles.types import (
    ALL_HOLIDAYS,
    DAY,
    MON_FRI,
    MON_SAT,
    CarrierProfile,
    EtaProfile,
    FailedDeliveryPolicy,
    H,
    HubOperations,
    ServiceProfile,
    Standard,
    VisibilityProfile,
)
from sim.waves import Wave

CUTOFF_S = 18.0 * H  # last pickup 19:00 (sim.pickups) less an hour
END_OF_DAY_S = 20 * H

# DHL Paket's parcel centres (Paketzentren, 38 in Germany) run a night cycle: the outbound sort
# (Abgang) takes the day's pickups from about 16:00 (PZ Hamburg-Allermöhe, Hamburger Abendblatt) and
# loads swap bodies for each of the other parcel centres; what leaves by about 21:00 is delivered
# the next day (PZ Speyer, Mannheimer Morgen); the last outbound trucks leave shortly after 20:00 and
# the first inbound trucks arrive three hours later (PZ Rüdersdorf, DPDHL press release Dec 2018);
# the inbound sort (Eingang) runs through the night and the delivery bases' trucks arrive from just
# before 03:00 (Zustellbasis Düsseldorf, Westdeutsche Zeitung). Each parcel centre trucks straight to
# every other (docs/realism.md §10, "German parcel centres"). A small day sort clears what the night
# left (an assumption, at half the crew).
DE_HUBS = HubOperations(
    waves=(
        Wave("Tag", 9.5 * H, 14.0 * H, 0.5),
        Wave("Abgang", 16.0 * H, 22.0 * H, 1.0),
        Wave("Eingang", 22.5 * H, 29.5 * H, 1.0),
    ),
    hub_to_hub_departures=(14.25 * H + 300, *(19.25 * H + 300 + k * 1800 for k in range(7))),
    station_arrivals_s=(3.5 * H, 5.0 * H, 6.0 * H),
    direct=True,
    clear_s=2 * H,
    carry_over=DE_CARRY_OVER,
)

PROFILE = CarrierProfile(
    key="dhl",
    name="DHL",
    countries=frozenset({"DE", "SI", "US", "KZ", "CA"}),
    services=MappingProxyType(
        {
            # DHL Paket national: delivered Monday–Saturday, usually the next working day, 1–2
            # working days (dhl.de Paket product page); the Bundesnetzagentur measured E+1 ≈ 80 %,
            # E+2 ≈ 96 % across the large carriers (docs/realism.md §10). Werktage are Mon–Sat.
            ("ground", "DE"): ServiceProfile(
                "DHL Paket",
                Standard(2, None, "1–2 Werktage"),
                MON_SAT,
                pickup_days=MON_SAT,
                business_days=MON_SAT,
                cutoff_s=CUTOFF_S,
                end_of_day_s=END_OF_DAY_S,
                transit_shares=BNETZA_TRANSIT_SHARES,
            ),
            # DHL Express Domestic: next working day, Monday–Friday (dhl.de Express)
            ("next_day", "DE"): ServiceProfile(
                "DHL Express Domestic",
                Standard(1, None, "nächster Werktag"),
                MON_FRI,
                cutoff_s=CUTOFF_S,
                end_of_day_s=END_OF_DAY_S,
                guaranteed=True,
            ),
            # Cross-border: DHL Express Worldwide, 1–3 business days to most destinations, longer to
            # Central Asia (dhl.com Express services; an assumption of 4 days as the upper bound used)
            ("international", "XB"): ServiceProfile(
                "DHL Express Worldwide",
                Standard(4, None, "1–4 business days"),
                MON_FRI,
                cutoff_s=CUTOFF_S,
                end_of_day_s=END_OF_DAY_S,
                guaranteed=True,
            ),
            # US domestic: DHL eCommerce Parcel Expedited, 2–5 business days (dhl.com eCommerce US)
            ("ground", "US"): ServiceProfile(
                "DHL Parcel Expedited", Standard(5, None, "2–5 business days"), MON_FRI, cutoff_s=CUTOFF_S
            ),
            ("economy", "US"): ServiceProfile(
                "DHL Parcel Ground", Standard(8, None, "3–8 business days"), MON_FRI, cutoff_s=CUTOFF_S
            ),
        }
    ),
    # Germany: no delivery on Sundays and public holidays (Sonn- und Feiertagsruhe); DHL Express US
    # closes on the same six US holidays as UPS and FedEx (dhl.com US holiday schedule, secondary).
    closed_on=MappingProxyType(
        {
            "DE": ALL_HOLIDAYS,
            "SI": ALL_HOLIDAYS,
            "KZ": ALL_HOLIDAYS,
            "US": frozenset(
                {
                    "us.new_year",
                    "us.memorial_day",
                    "us.independence_day",
                    "us.labor_day",
                    "us.thanksgiving",
                    "us.christmas",
                }
            ),
        }
    ),
    # One attempt (or a neighbour); otherwise a notice card and the parcel goes to a Filiale or
    # Packstation, where it waits 7 Werktage (Packstation: 9 calendar days when redirected) before
    # going back (paketda.de "DHL Lagerfristen", dhl.de help).
    failed_delivery=FailedDeliveryPolicy(
        attempts=1,
        notice_left=True,
        auto_redelivery=False,
        hold_at="branch",
        hold_days=7,
        hold_business_days=True,
        to_pickup_point_after_first=True,
        address_hold_days=7,
    ),
    # Assumption inside the aggregator band (docs/realism.md §9): DHL's knowledge base says a new
    # shipment appears 10–30 min after its data arrives.
    visibility=VisibilityProfile(
        batch_interval_s=10 * 60,
        lag_median_s=8 * 60,
        lag_p95_s=60 * 60,
        late_batch_share=0.01,
        late_batch_s=(2 * H, 6 * H),
    ),
    # DHL's tracking shows "voraussichtlich morgen" from the parcel centre: met by ~E+1 share.
    eta=EtaProfile(
        first_met_target=0.9,
        optimistic_share=0.05,
        pessimistic_share=0.04,
        revision_early_share=0.04,
        revision_wrong_share=0.05,
        missing_scan_after_s=1 * DAY,
        window_s=None,
        window_missed_share=0.0,
    ),
    first_attempt=DE_FIRST_ATTEMPT,
    hubs=MappingProxyType({"DE": DE_HUBS}),
    texts=MappingProxyType(
        {
            "running_late": "Die Sendung verzögert sich.",
            "date_updated": "Der voraussichtliche Zustelltag wurde aktualisiert.",
            "notice_left": "Der Empfänger wurde nicht angetroffen. "
            "Die Sendung wird in eine Filiale gebracht.",
            "held": "Die Sendung liegt in der Filiale zur Abholung bereit.",
            "unable_to_locate": "Die Sendung konnte nicht lokalisiert werden.",
        }
    ),
)
