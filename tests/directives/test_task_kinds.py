"""A task is ongoing, has a deadline, or both; the editor and the API read and write its
kind and its deadline (a date, or the letter's words read to their last working day); a
unit may be given a deadline of its own."""

import datetime

import pytest
from django.urls import reverse

from directives.letter_to_directive import SectionDraft, directive_import
from directives.models import DirectiveChange, Task
from workdays.models import CalendarException

from ..api.conftest import token_client
from ..conftest import login

pytestmark = pytest.mark.django_db
D = datetime.date


def _edit(client, task, **data):
    return client.post(reverse("directives:task_edit", args=[task.pk]), {"text": task.text, **data})


def test_the_letters_words_give_the_date_on_the_working_days(small_directive, reviewer):
    task = small_directive.task
    # 30/9/2021 was a Thursday; the admin made it a day off.
    CalendarException.objects.create(date=D(2021, 9, 30), kind="day_off")

    response = _edit(
        login(reviewer), task, kind="deadline", deadline="", deadline_words="trong quý III/2021"
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.kind, task.deadline, task.deadline_words) == (
        "deadline",
        D(2021, 9, 29),
        "trong quý III/2021",
    )
    change = DirectiveChange.objects.filter(directive=small_directive.directive).first()
    assert change.data["after"] == {
        "kind": "deadline",
        "deadline": "2021-09-29",
        "deadline_words": "trong quý III/2021",
    }


def test_a_deadline_task_without_a_date_is_refused_in_vietnamese(small_directive, reviewer):
    task = small_directive.task

    response = _edit(login(reviewer), task, kind="both", deadline="", deadline_words="")

    assert response.status_code == 200
    assert "cần ngày hoàn thành" in response.content.decode()
    task.refresh_from_db()
    assert (task.kind, task.deadline) == ("ongoing", None)


def test_an_ongoing_task_keeps_no_date(small_directive, reviewer):
    task = small_directive.task
    _edit(login(reviewer), task, kind="deadline", deadline="30/06/2022")
    task.refresh_from_db()
    assert task.deadline == D(2022, 6, 30)

    _edit(login(reviewer), task, kind="ongoing", deadline="30/06/2022")

    task.refresh_from_db()
    assert (task.kind, task.deadline) == ("ongoing", None)


def test_a_unit_given_its_own_deadline_is_due_by_it(small_directive):
    sd = small_directive
    Task.objects.filter(pk=sd.task.pk).update(kind="deadline", deadline=D(2021, 12, 31))
    sd.assignment_b.deadline = D(2021, 11, 30)
    sd.assignment_b.save()

    a, b = (
        sd.task.assignments.select_related("task").get(pk=pk)
        for pk in (sd.assignment_a.pk, sd.assignment_b.pk)
    )

    assert (a.due_by, b.due_by) == (D(2021, 12, 31), D(2021, 11, 30))


def test_the_api_shows_each_tasks_kind_and_deadline(small_directive, leader):
    Task.objects.filter(pk=small_directive.task.pk).update(
        kind="both", deadline=D(2021, 12, 15), deadline_words="trước ngày 15/12/2021"
    )

    directive = token_client(leader).get(f"/api/v1/directives/{small_directive.directive.pk}/")

    (task,) = directive.json()["sections"][0]["tasks"]
    assert (task["kind"], task["deadline"], task["deadline_words"]) == (
        "both",
        "2021-12-15",
        "trước ngày 15/12/2021",
    )


def test_a_letter_saved_as_a_draft_proposes_each_tasks_kind_and_deadline(unit_a):
    directive = directive_import(
        number="12-KH/UBND",
        doc_type="ke_hoach",
        issued_on=D(2026, 3, 2),
        issuer="Ủy ban nhân dân tỉnh",
        subject="Kế hoạch rà soát",
        sections=[
            SectionDraft(
                number="1",
                heading="Nhiệm vụ",
                addressees=[unit_a.name],
                tasks=[
                    "Rà soát, hoàn thành trước ngày 30/6/2026.",
                    "Tuyên truyền thường xuyên trên hệ thống loa.",
                    "Thường xuyên theo dõi, báo cáo kết quả trong quý IV/2026.",
                ],
            )
        ],
    )

    tasks = Task.objects.filter(section__directive=directive).order_by("order")
    assert [(t.kind, t.deadline, t.deadline_words) for t in tasks] == [
        ("deadline", D(2026, 6, 30), "trước ngày 30/6/2026"),
        ("ongoing", None, "thường xuyên"),
        ("both", D(2026, 12, 31), "quý IV/2026"),
    ]
