"""Clickstream: login linkage, hourly partitioning by arrival, late events, bots,
repeated and cut-off deliveries."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import sources_testkit as kit

from c360.sources import reference as ref
from c360.sources.generator import GenerationResult


def test_login_events_carry_a_customer_number_that_exists_in_core_banking(out: Path) -> None:
    customers = {
        int(r["customer_number"]) for r in kit.read_csv(out / "core_banking" / "customers.csv")
    }
    logins = [e for e in kit.events(out) if e["event_type"] == "login"]

    assert logins
    assert {e["login_customer_number"] for e in logins} <= customers


def test_only_login_events_carry_a_customer_number(out: Path) -> None:
    others = [e for e in kit.events(out) if e["event_type"] != "login"]

    assert all(e["login_customer_number"] is None for e in others)


def test_login_customer_number_belongs_to_the_device_owner(out: Path) -> None:
    core = kit.person_of(out, "core_banking")
    devices = kit.person_of(out, "clickstream_device")

    for e in kit.events(out):
        if e["event_type"] == "login":
            assert core[str(e["login_customer_number"])] == devices[e["device_id"]]


def test_every_hour_of_the_seven_days_has_a_web_and_an_app_file(out: Path) -> None:
    files = [p.relative_to(out / "clickstream" / "events").as_posix() for p in kit.event_files(out)]

    assert len(files) == 7 * 24 * 2
    assert files[0] == "dt=2026-11-18/hour=00/app-0000.jsonl.gz"
    assert files[-1] == "dt=2026-11-24/hour=23/web-0000.jsonl.gz"


def test_events_land_in_the_file_of_the_hour_they_were_received(out: Path) -> None:
    for path in kit.event_files(out):
        day, hour = path.parent.parent.name[3:], path.parent.name[5:]
        channel = path.name.split("-")[0]
        for e in kit.events_of(path):
            assert e["received_at"][:13] == f"{day}T{hour}"
            assert e["channel"] == channel


def test_received_at_is_never_before_event_time(out: Path) -> None:
    assert all(e["received_at"] >= e["event_time"] for e in kit.events(out))


def _lag_seconds(event: dict[str, str]) -> float:
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    received = datetime.strptime(event["received_at"], fmt)
    return (received - datetime.strptime(event["event_time"], fmt)).total_seconds()


def test_late_events_arrive_hours_after_they_happened(out: Path) -> None:
    assert any(_lag_seconds(e) >= 3600 for e in kit.events(out))


def test_zero_late_event_rate_delivers_every_event_within_the_hour(
    clean_run: GenerationResult,
) -> None:
    assert max(_lag_seconds(e) for e in kit.events(clean_run.out_dir)) < 3600


def test_events_are_out_of_order_by_event_time_within_some_files(out: Path) -> None:
    unordered = 0
    for path in kit.event_files(out):
        times = [e["event_time"] for e in kit.events_of(path)]
        unordered += times != sorted(times)

    assert unordered > 0


def test_bot_devices_have_crawler_user_agents_and_high_event_rates(out: Path) -> None:
    per_device = Counter(e["device_id"] for e in kit.events(out))
    bots = {e["device_id"] for e in kit.events(out) if e["user_agent"] in ref.BOT_USER_AGENTS}
    humans = [n for d, n in per_device.items() if d not in bots]

    assert len(bots) == 3
    assert min(per_device[b] for b in bots) > max(humans)


def test_bot_sessions_fire_an_event_every_few_seconds(out: Path) -> None:
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    sessions: dict[str, list[datetime]] = {}
    for e in kit.events(out):
        if e["user_agent"] in ref.BOT_USER_AGENTS:
            sessions.setdefault(e["session_id"], []).append(datetime.strptime(e["event_time"], fmt))

    gaps = [
        (b - a).total_seconds()
        for times in sessions.values()
        for a, b in zip(sorted(times), sorted(times)[1:], strict=False)
    ]
    assert gaps and max(gaps) <= 3


def test_event_ids_are_unique_32_hex_characters(out: Path) -> None:
    ids = [e["event_id"] for e in kit.events(out)]

    assert len(ids) == len(set(ids))
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def _by_id(records: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for e in records:
        grouped.setdefault(e["event_id"], []).append(e)
    return grouped


def test_a_repeated_delivery_is_the_same_event_received_one_minute_to_two_hours_later(
    out: Path,
) -> None:
    repeated = [d for d in _by_id(kit.deliveries(out)).values() if len(d) > 1]
    fmt = "%Y-%m-%dT%H:%M:%SZ"

    assert repeated
    for first, again in (sorted(d, key=lambda e: e["received_at"]) for d in repeated):
        assert {k: v for k, v in again.items() if k != "received_at"} == {
            k: v for k, v in first.items() if k != "received_at"}
        delay = (datetime.strptime(again["received_at"], fmt)
                 - datetime.strptime(first["received_at"], fmt)).total_seconds()
        assert 60 <= delay < 7200


def test_a_cut_off_delivery_ends_before_the_event_time_of_an_event_delivered_whole(
    out: Path,
) -> None:
    broken = kit.broken_lines(out)
    whole = _by_id(kit.deliveries(out))

    assert broken
    for line in broken:
        assert line.startswith('{"event_id":"') and line.endswith('"event_time":')
        assert line[13:45] in whole


def test_clean_messiness_delivers_every_event_once_and_whole(
    clean_run: GenerationResult,
) -> None:
    ids = [e["event_id"] for e in kit.deliveries(clean_run.out_dir)]

    assert kit.broken_lines(clean_run.out_dir) == []
    assert len(ids) == len(set(ids))
