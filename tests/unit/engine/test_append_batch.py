"""`Engine.append_batch`: a small increment joins a table without rewriting it."""

from __future__ import annotations

import pytest
from lakepaths import folder

from c360.engine import EngineError

TABLE = "stg_web_events"


def _files(engine, table: str = TABLE) -> list[str]:
    return sorted(p.name for p in folder(engine.lake.location(table)).glob("*.parquet"))


def _rows(engine) -> list[tuple[str, str]]:
    engine.register_table(TABLE)
    result = engine.query(f"select event_id, page from {TABLE} order by event_id")
    return [(r["event_id"], r["page"]) for r in result.to_pylist()]


def _staged_day(engine) -> None:
    engine.write_table(TABLE, "select 'e1' as event_id, '/home' as page union all "
                              "select 'e2', '/cards'", "spark")


def test_batch_rows_join_the_table_and_its_files_are_left_as_they_were(engine) -> None:
    _staged_day(engine)
    before = {name: (folder(engine.lake.location(TABLE)) / name).stat().st_ino
              for name in _files(engine)}

    added = engine.append_batch(TABLE, "select 'e3' as event_id, '/loans' as page",
                                batch="hourly-2026-11-25", dialect="spark")

    assert added == 1
    assert _rows(engine) == [("e1", "/home"), ("e2", "/cards"), ("e3", "/loans")]
    assert {name: (folder(engine.lake.location(TABLE)) / name).stat().st_ino
            for name in before} == before
    assert [f for f in _files(engine) if f not in before] == [
        "batch-hourly-2026-11-25-00000.parquet"]


def test_the_same_batch_appended_again_replaces_its_rows(engine) -> None:
    _staged_day(engine)
    engine.append_batch(TABLE, "select 'e3' as event_id, '/loans' as page",
                        batch="hourly-2026-11-25", dialect="spark")

    again = engine.append_batch(TABLE, "select 'e3' as event_id, '/loans' as page union all "
                                       "select 'e4', '/help'",
                                batch="hourly-2026-11-25", dialect="spark")

    assert again == 2
    assert _rows(engine) == [("e1", "/home"), ("e2", "/cards"), ("e3", "/loans"), ("e4", "/help")]


def test_another_batch_adds_to_the_first(engine) -> None:
    _staged_day(engine)
    engine.append_batch(TABLE, "select 'e3' as event_id, '/loans' as page",
                        batch="hourly-2026-11-25", dialect="spark")

    engine.append_batch(TABLE, "select 'e4' as event_id, '/help' as page",
                        batch="hourly-2026-11-26", dialect="spark")

    assert _rows(engine) == [("e1", "/home"), ("e2", "/cards"), ("e3", "/loans"), ("e4", "/help")]


def test_rewriting_the_whole_table_drops_its_batches(engine) -> None:
    _staged_day(engine)
    engine.append_batch(TABLE, "select 'e3' as event_id, '/loans' as page",
                        batch="hourly-2026-11-25", dialect="spark")

    _staged_day(engine)

    assert _rows(engine) == [("e1", "/home"), ("e2", "/cards")]
    assert not [f for f in _files(engine) if f.startswith("batch-")]


def test_an_empty_batch_adds_no_rows(engine) -> None:
    _staged_day(engine)

    added = engine.append_batch(TABLE, "select 'e9' as event_id, '/x' as page where false",
                                batch="hourly-2026-11-25", dialect="spark")

    assert added == 0
    assert _rows(engine) == [("e1", "/home"), ("e2", "/cards")]


def test_appending_to_a_table_that_does_not_exist_is_refused(engine) -> None:
    with pytest.raises(EngineError, match="stg_web_events has no data"):
        engine.append_batch(TABLE, "select 'e3' as event_id, '/loans' as page",
                            batch="hourly-2026-11-25", dialect="spark")
