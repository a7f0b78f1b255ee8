"""fct_digital_sessions and dim_customer_digital: bots, device links, sessions, interests."""

from __future__ import annotations

from datetime import UTC, datetime

from lakebuild import by_customer, run, write_stage, write_xref

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0.0.0 Safari/537.36"
APP = "C360Bank/6.4.1 (iPhone; iOS 18.1; Scale/3.00)"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def event(event_id: str, at: str, device: str, session: str | None, event_type: str = "page_view",
          channel: str = "web", agent: str = BROWSER, **more: object) -> dict[str, object]:
    return {"event_id": event_id, "event_time": ts(at), "received_at": ts(at), "device_id": device,
            "session_id": session, "channel": channel, "event_type": event_type,
            "user_agent": agent, **more}


def build(lake, engine, events: list[dict[str, object]]) -> list[dict[str, object]]:
    write_xref(lake, [
        ("clickstream_device", "dev-a1", "A"), ("clickstream_device", "dev-a2", "A"),
        ("clickstream_device", "dev-bot", "B"), ("crm", "X", "C"),
    ])
    write_stage(lake, "clickstream_events", events)
    return run(engine, "spark", "fct_digital_sessions", order_by="session_key")


def test_sessions_exclude_bot_user_agents_and_devices_no_customer_logged_in_on(
        lake, duckdb_engine) -> None:
    sessions = build(lake, duckdb_engine, [
        event("e1", "2026-11-20T10:00:00", "dev-a1", "s-1"),
        event("e2", "2026-11-20T10:01:00", "dev-bot", "s-2", agent=GOOGLEBOT),
        event("e3", "2026-11-20T10:02:00", "dev-anon", "s-3"),
        event("e4", "2026-11-20T10:03:00", "dev-a1", "s-4", agent="python-requests/2.32.3"),
    ])
    assert [(s["session_key"], s["customer_id"]) for s in sessions] == [("s-1", "A")]


def test_events_without_session_id_split_into_sessions_after_30_idle_minutes(
        lake, duckdb_engine) -> None:
    sessions = build(lake, duckdb_engine, [
        event("e1", "2026-11-20T10:00:00", "dev-a2", None),
        event("e2", "2026-11-20T10:29:59", "dev-a2", None, "search", search_term="ira"),
        event("e3", "2026-11-20T11:00:00", "dev-a2", None),  # 30 min 1 s later: new session
        event("e4", "2026-11-20T11:05:00", "dev-a2", None, "product_view",
              product_type="investment"),
    ])
    assert [(s["session_key"], s["event_count"], s["duration_seconds"], s["searches"],
             s["product_views"], s["views_investment"], s["top_search_term"])
            for s in sessions] == [
        ("dev-a2#1", 2, 1799, 1, 0, 0, "ira"),
        ("dev-a2#2", 2, 300, 0, 1, 1, None),
    ]


def test_session_counts_events_by_type_and_names_its_top_page_and_product(
        lake, duckdb_engine) -> None:
    sessions = build(lake, duckdb_engine, [
        event("e1", "2026-11-21T08:00:00", "dev-a1", "s-9", channel="app", agent=APP,
              page="/offers"),
        event("e2", "2026-11-21T08:00:10", "dev-a1", "s-9", channel="app", agent=APP,
              page="/rates"),
        event("e3", "2026-11-21T08:00:20", "dev-a1", "s-9", channel="app", agent=APP,
              page="/rates"),
        event("e4", "2026-11-21T08:01:00", "dev-a1", "s-9", "product_view", channel="app",
              agent=APP, product_type="mortgage"),
        event("e5", "2026-11-21T08:02:00", "dev-a1", "s-9", "apply_start", channel="app",
              agent=APP, product_type="mortgage"),
    ])
    s = sessions[0]
    assert (s["channel"], s["page_views"], s["applications_started"], s["applications_submitted"],
            s["views_mortgage"], s["top_page"], s["top_product_type"], str(s["session_date"])) == (
        "app", 3, 1, 0, 1, "/rates", "mortgage", "2026-11-21")



def test_a_tie_for_the_top_page_search_and_product_goes_to_the_first_in_alphabetical_order(
        lake, engine) -> None:
    sessions = build(lake, engine, [
        event("e1", "2026-11-21T08:00:00", "dev-a1", "s-7", page="/rates"),
        event("e2", "2026-11-21T08:00:10", "dev-a1", "s-7", page="/offers"),
        event("e3", "2026-11-21T08:00:20", "dev-a1", "s-7", "search", search_term="ira"),
        event("e4", "2026-11-21T08:00:30", "dev-a1", "s-7", "search", search_term="cd rates"),
        event("e5", "2026-11-21T08:01:00", "dev-a1", "s-7", "product_view",
              product_type="savings"),
        event("e6", "2026-11-21T08:02:00", "dev-a1", "s-7", "product_view",
              product_type="investment"),
        # Named pages of other event types are not page views.
        event("e7", "2026-11-21T08:03:00", "dev-a1", "s-7", "login", page="/login"),
        event("e8", "2026-11-21T08:03:10", "dev-a1", "s-7", "login", page="/login"),
    ])
    s = sessions[0]
    assert (s["top_page"], s["top_search_term"], s["top_product_type"]) == (
        "/offers", "cd rates", "investment")


def test_an_event_without_a_user_agent_is_not_taken_for_a_bot(lake, engine) -> None:
    sessions = build(lake, engine, [
        event("e1", "2026-11-20T10:00:00", "dev-a1", "s-1", agent=None),  # type: ignore[arg-type]
        event("e2", "2026-11-20T10:01:00", "dev-a2", "s-2", agent=GOOGLEBOT),
    ])
    assert [(s["session_key"], s["event_count"]) for s in sessions] == [("s-1", 1)]

def test_digital_dimension_summarises_30_days_of_sessions(lake, duckdb_engine) -> None:
    build(lake, duckdb_engine, [
        event("e1", "2026-10-20T08:00:00", "dev-a1", "s-old", "product_view",
              product_type="savings"),                                  # 36 days ago
        event("e2", "2026-11-10T08:00:00", "dev-a1", "s-web", "search", search_term="ira"),
        event("e3", "2026-11-10T08:10:00", "dev-a1", "s-web", "product_view",
              product_type="investment"),
        event("e4", "2026-11-22T20:00:00", "dev-a2", "s-app1", "product_view", channel="app",
              agent=APP, product_type="mortgage"),
        event("e5", "2026-11-22T20:05:00", "dev-a2", "s-app1", "apply_start", channel="app",
              agent=APP, product_type="mortgage"),
        event("e6", "2026-11-24T07:00:00", "dev-a2", "s-app2", "product_view", channel="app",
              agent=APP, product_type="investment"),
    ])
    rows = by_customer(run(duckdb_engine, "athena", "dim_customer_digital"))
    a = rows["A"]
    assert (a["sessions_total"], a["sessions_7d"], a["sessions_30d"], a["active_days_30d"],
            a["app_sessions_30d"], a["web_sessions_30d"], a["primary_digital_channel"]) == (
        4, 2, 3, 3, 2, 1, "app")
    assert (a["app_share_30d"], a["avg_session_seconds_30d"]) == (2 / 3, (600 + 300 + 0) / 3)
    # investment 2 views, mortgage 1 view in 30 days; savings is older.
    assert (a["top_product_interest_30d"], a["top_search_term_30d"], a["product_views_30d"],
            a["applications_started_30d"], a["abandoned_application_sessions_30d"]) == (
        "investment", "ira", 3, 1, 1)
    assert (a["last_session_at"], a["days_since_last_session"], a["digitally_active_30d"]) == (
        ts("2026-11-24T07:00:00"), 1, True)
    c = rows["C"]
    assert (c["sessions_30d"], c["primary_digital_channel"], c["app_share_30d"],
            c["digitally_active_30d"]) == (0, "none", None, False)
