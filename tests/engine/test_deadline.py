"""The Deadline value type: counted on a calendar, counted again after a correction, read from
and written to the shapes stored since the first release, formatted as Vietnamese write dates."""
from __future__ import annotations

import json
from datetime import date

import pytest

from engine.features import discover
from engine.working_days import WorkingCalendar
from engine.working_days.deadline import Deadline, day_of, stored_deadlines

THU = date(2026, 2, 12)  # the Thursday before Tết
COUNTED = Deadline(date(2026, 2, 26), THU, 5)
STORED = {"date": "2026-02-26", "start": "2026-02-12", "working_days": 5}  # as working_deadline wrote it


def test_counted_in_working_days_skips_tet():
    assert Deadline.counted(WorkingCalendar(), THU, 5) == COUNTED
    assert Deadline.counted(WorkingCalendar(), date(2026, 2, 14), 0).date == date(2026, 2, 23)  # "at once"


def test_recomputed_after_a_correction_and_a_plain_date_stays_put():
    corrected = WorkingCalendar({date(2026, 2, 23): False})
    assert COUNTED.recomputed(corrected) == Deadline(date(2026, 2, 27), THU, 5)
    assert COUNTED.recomputed(WorkingCalendar()) == COUNTED
    plain = Deadline(date(2026, 2, 26))
    assert plain.recomputed(corrected) is plain and not plain.is_counted


def test_task_data_round_trip_in_the_stored_shape():
    assert COUNTED.to_json() == STORED
    assert json.loads(json.dumps(COUNTED.to_json())) == STORED  # task data stays plain JSON
    assert Deadline.from_json(STORED) == COUNTED
    assert Deadline.from_json("2026-02-26") == Deadline(date(2026, 2, 26))
    assert Deadline(date(2026, 2, 26)).to_json() == "2026-02-26"
    assert Deadline.from_json({"date": "2026-02-26"}) == Deadline(date(2026, 2, 26))
    assert Deadline.from_json(date(2026, 2, 26)) == Deadline(date(2026, 2, 26))
    assert Deadline.from_json(None) is None and Deadline.from_json("") is None
    assert day_of(STORED) == date(2026, 2, 26) and day_of(None) is None
    with pytest.raises(ValueError):
        Deadline.from_json({"start": "2026-02-12", "working_days": 5})
    with pytest.raises(ValueError):
        Deadline(date(2026, 2, 26), THU)  # half a rule


def test_only_a_counted_deadline_is_found_in_task_data():
    assert Deadline.counted_in(STORED) == COUNTED
    assert Deadline.counted_in("2026-02-26") is None
    assert Deadline.counted_in({"date": "2026-02-26", "unit_due": "2026-03-16"}) is None


def test_columns_round_trip_and_old_rows_read_as_they_are():
    assert COUNTED.rule_json() == STORED and Deadline(date(2026, 2, 26)).rule_json() is None
    assert Deadline.from_columns(date(2026, 2, 26), STORED) == COUNTED
    # A plain date's rule column holds JSON null (read back as None): the crash of issue #13.
    assert Deadline.from_columns(date(2026, 3, 30), None) == Deadline(date(2026, 3, 30))
    # The Date column is the truth when an old row's copy of the date in its rule lags.
    assert Deadline.from_columns(date(2026, 2, 27), STORED) == Deadline(date(2026, 2, 27), THU, 5)
    assert Deadline.from_columns(None, None) is None


def test_format():
    assert COUNTED.format_vn() == "26/02/2026"


def test_features_register_their_stored_deadlines():
    discover()  # what the Engine does: every feature's models
    assert {(kind.model.__tablename__, kind.date_column, kind.rule_column) for kind in stored_deadlines()} == {
        ("assignments", "deadline", "deadline_rule"),
        ("assignments", "first_update_due", "first_update_due_rule"),
        ("inspections", "report_due", "report_due_rule"),
        ("explanation_requests", "due_on", "due_rule"),
    }
