"""Where parcels come from: the world's demand, and pinned QA cases at their scripted instants."""

from __future__ import annotations

from datetime import datetime
from itertools import accumulate

import simpy

from sim import pinned, places, same_day, timing
from sim.events import Service
from sim.localtime import hour_and_weekday
from sim.network import Facility
from sim.places import Place
from sim.processes import DAY, Proc
from sim.processes.journey import journey, start_journey
from sim.processes.returns import customer_return
from sim.profiles import profile
from sim.scenario import PinnedCase
from sim.streams import ParcelRng, choose, named_random, stream_seed
from sim.world import World


def demand(env: simpy.Environment, world: World, endless: bool = False) -> Proc:
    """Parcels arrive as a Poisson process following the daily curve, weekday mix and peaks."""
    sc = world.scenario
    dm = sc.demand
    rng = named_random(world.seed, "demand")
    tz = sc.start.tzinfo
    curve_total = sum(dm.daily_curve)
    hourly = [w * 24 / curve_total for w in dm.daily_curve]
    wk = [dm.weekday_weights.get(k, 1.0) for k in timing.WEEKDAY_KEYS]
    wk_mean = sum(wk) / 7
    wk = [w / wk_mean for w in wk]
    peaks = [(p.start.timestamp(), p.end.timestamp(), p.multiplier) for p in dm.peaks]
    peak_max = max([1.0] + [m for _, _, m in peaks])
    base = dm.parcels_per_day * dm.peak_multiplier / DAY
    rate_max = base * max(hourly) * max(wk) * peak_max
    carriers = sorted(sc.carriers)
    carrier_cum = list(accumulate(sc.carriers[c].share for c in carriers))
    mixes = {c: list(sc.carriers[c].services) for c in carriers}
    mix_cum = {c: list(accumulate(sc.carriers[c].services[s] for s in mixes[c])) for c in carriers}
    fcs_of = {c: world.plan.fcs(c) for c in carriers}
    end = None if endless else sc.duration
    t = 0.0
    index = 0
    while True:
        t += rng.expovariate(rate_max)
        if end is not None and t >= end:
            return
        epoch = world.start_epoch + t
        hour, weekday = hour_and_weekday(epoch, tz)
        rate = base * hourly[hour] * wk[weekday]
        for start, stop, mult in peaks:
            if start <= epoch < stop:
                rate *= mult
        u = rng.random()
        carrier = choose(rng, carriers, carrier_cum)
        service = choose(rng, mixes[carrier], mix_cum[carrier])
        fcs = fcs_of[carrier]
        fc = fcs[rng.randrange(len(fcs))]
        u_dest = rng.random()
        # drawn only when returns are on, so worlds without returns keep their random sequence
        is_return = dm.returns_share > 0 and rng.random() < dm.returns_share
        if u >= rate / rate_max:
            continue
        yield env.timeout(t - env.now)
        index += 1
        if is_return:
            service = Service.ECONOMY if Service.ECONOMY in mixes[carrier] else Service.GROUND
        dest = None
        if service is Service.SAME_DAY:
            dest = same_day_destination(world, carrier, fc, world.now, u_dest)
            if dest is None:
                service = Service.NEXT_DAY  # not on sale here or now: the shopper takes next-day
        dest = dest or world.destinations.pick(carrier, service, fc.place.country, u_dest)
        prng = ParcelRng(stream_seed(world.seed, f"parcel:{index}"))
        if is_return and dest is not None and world.net.serves(carrier, dest.key):
            parcel = world.new_return(carrier, service, dest, fc, prng)
            env.process(customer_return(env, world, parcel))
            continue
        parcel = world.new_parcel(carrier, service, fc, dest, prng) if dest is not None else None
        if parcel is None:
            world.unroutable += 1  # counted, and shown in the summary: demand is never lost silently
            continue
        start_journey(env, world, parcel)


def same_day_destination(world: World, carrier: str, fc: Facility, now: float, u: float) -> Place | None:
    """Where a same-day order goes: a city within reach of ``fc`` (``sim.same_day``), if the carrier
    sells same-day and the order comes before the warehouse's cut-off; None otherwise."""
    if not same_day.sells_same_day(carrier):
        return None
    local = datetime.fromtimestamp(now, fc.tz)
    if not same_day.order_open(local.hour * 3600 + local.minute * 60 + local.second):
        return None
    return world.destinations.near(carrier, fc, u)


def pinned_case(env: simpy.Environment, world: World, case: PinnedCase) -> Proc:
    """A QA case: a parcel whose story is scripted, on its own random stream and number block."""
    yield env.timeout(case.ship_at)
    fc = world.fc_at(case.origin)
    if fc is None:
        raise ValueError(f"case {case.name!r}: origin {case.origin!r} is not a fulfilment centre")
    dest = places.PLACES[case.destination]
    rng = ParcelRng(stream_seed(world.seed, f"case:{case.name}"))
    p = world.new_parcel(case.carrier, Service(case.service), fc, dest, rng, case)
    if p is None:
        raise ValueError(f"case {case.name!r}: {case.carrier} does not serve {case.destination}")
    last_mile = world.net.facilities[p.route[-1]].carrier or p.stream.carrier
    attempts = world.rates.max_attempts or profile(last_mile).failed_delivery.attempts
    p.fate, p.story = pinned.script(case, p.route, world.net.facilities, attempts)
    yield from journey(env, world, p)
