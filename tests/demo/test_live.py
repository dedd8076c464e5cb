"""The live demo (demo/live.py): Công văn 4085/UBND-ĐT, its words as the letter reads,
its dates around the day it is loaded, and a week's worth of what units did."""

import datetime

import pytest

from demo import live
from directives.models import Assignment, Directive
from reports.figures import engine
from reports.filing.models import ExtensionRequest, ProgressReport
from reports.filing.slots import deadline_states

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 10)


@pytest.fixture
def loaded():
    return live.load_live_demo(password="x", today=TODAY)


def test_the_tasks_read_as_the_letter_with_its_dates_around_the_day_loaded(loaded):
    text = live.LETTER.read_text(encoding="utf-8")
    tasks = [t for s in loaded.sections.all() for t in s.tasks.all()]
    assert len(tasks) == 7 and all(t.text in text for t in tasks)
    dated = sorted((t.deadline, t.deadline_words) for t in tasks if t.deadline)
    assert dated[0][1] == "trước ngày 05 tháng 12 năm 2025"
    assert {words for _day, words in dated[1:]} == {
        "trước ngày 31 tháng 12 năm 2025",
        "tháng 12 năm 2025",
    }
    first, *later = [day for day, _words in dated]
    assert first < TODAY < min(later)  # days before; weeks after
    assert first.weekday() == datetime.date(2025, 12, 5).weekday()  # moved by whole weeks
    assert loaded.body == text and loaded.is_in_force


def test_a_week_of_work_shows_done_late_awaiting_overdue_and_a_task_handed_down(loaded):
    figures = engine.count_deadlines(today=TODAY)[()]
    assert figures.done_on_time == 1 and figures.awaiting == 1 and figures.open_overdue == 1
    handed = Assignment.objects.get(parent__isnull=False)
    assert handed.unit.name == live.LAND_OFFICE
    state = deadline_states([handed], today=TODAY)[handed.pk]
    assert state.done and not state.on_time  # its own, earlier deadline: met late
    assert ExtensionRequest.objects.filter(status="pending", period__isnull=True).count() == 1
    assert ProgressReport.objects.filter(period__isnull=False, status="submitted").count() == 1


def test_loading_again_builds_it_again_around_that_day(loaded):
    again = live.load_live_demo(password="x", today=TODAY + datetime.timedelta(weeks=2))
    assert Directive.objects.filter(number=live.NUMBER).count() == 1
    assert again.issued_on == loaded.issued_on + datetime.timedelta(weeks=2)
    assert Assignment.objects.filter(parent__isnull=False).count() == 1
