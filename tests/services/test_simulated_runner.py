"""The 12-week simulated runner: its ramp spike and pain rise give the nudge, its log patterns."""

from __future__ import annotations

from runback.core.load import NUDGE
from runback.core.timezones import local_date
from runback.services.load import gather_load
from runback.services.patterns import gather_patterns, helpful_exercises
from runback.services.plans import history_request, make_plan
from runback.services.store import LOCAL_USER_ID, Store
from tests.simulated_runner import PRE_RUN, UNWIND, simulate_runner


def test_the_simulated_runner_gets_the_nudge_and_patterns(store: Store) -> None:
    zone = store.user_zone(user_id=LOCAL_USER_ID)
    sim = simulate_runner(store, local_date(store.clock.now(), zone), zone=zone)
    assert sim.runs > 40 and sim.pain_entries > 84

    load = gather_load(store, user_id=LOCAL_USER_ID)
    print(
        f"\nACWR {load.ratio}, ramp {load.ramp_percent} % ({load.km_prev_7} -> {load.km_last_7} "
        f"km), acute {load.acute}, chronic {load.chronic}, monotony {load.monotony}, strain "
        f"{load.strain}, pain {load.pain_before} -> {load.pain_recent}"
    )
    assert load.ramp_high and load.pain_rising
    assert load.ramp_percent is not None and load.ramp_percent > 30
    assert load.ratio is not None and load.ratio > 1.3
    assert load.nudge == NUDGE

    found = gather_patterns(store, user_id=LOCAL_USER_ID)
    for p in found.shown:
        c = p.comparison
        print(
            f"{p.key}/{p.outcome}: n {c.with_n}/{c.without_n}, diff {c.difference}, "
            f"95 % [{c.low}, {c.high}]"
        )
    shown = {(p.key, p.outcome): p for p in found.shown}
    for key in (
        ("backup-before-run", "after-run"),
        ("breaks", "next-day"),
        (f"routine:{UNWIND[0]}", "next-day"),
    ):
        assert key in shown, key
        assert shown[key].clearly_lower, shown[key].text
        assert shown[key].text.startswith("In your own log")
        assert "This is not proof" in shown[key].text
    # The planner is offered the exercises of the routine with clearly lower next-day pain.
    favoured = helpful_exercises(store, user_id=LOCAL_USER_ID)
    assert set(UNWIND[2]) <= favoured.keys()
    assert not set(PRE_RUN[2]) & favoured.keys()  # its next-day interval covers zero
    request = history_request(store, 5, ["lower-back"], "home", user_id=LOCAL_USER_ID)
    assert request.favoured == favoured
    planned = make_plan(store, 5, ["lower-back"], "home", user_id=LOCAL_USER_ID)
    reasons = [s.why for s in planned.steps if s.step.exercise.slug in favoured]
    assert reasons and all("“Evening unwind”" in why and "not proof" in why for why in reasons)
