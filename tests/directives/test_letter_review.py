"""Entering a directive by reading its letter: the page (paste or upload, review beside
the letter, save), the command line, and that 136-CV/HU imported unchanged has the
structure load_demo gives it."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo import data as demo
from directives.models import Directive, Task
from units.models import Unit, UnitGroup

from ..conftest import login
from .letter_reader.helpers import CORPUS
from .letter_reader.helpers import read as read_corpus
from .letter_reader.test_files import seed_docx

pytestmark = pytest.mark.django_db

SEED = demo.LETTER


@pytest.fixture
def letter() -> str:
    return SEED.read_text(encoding="utf-8")


def _shown(form) -> dict:
    """A form's fields as the page shows them (dates dd/mm/yyyy), unticked boxes left out."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        if name != "DELETE":
            data[form.add_prefix(name)] = "" if value is None else value
    return data


def _accept(review) -> dict:
    """The review page's forms posted back as they were shown: the proposal unchanged."""
    header, formset = review.context["header"], review.context["formset"]
    data = _shown(header)
    for forms in [formset, *(form.task_forms for form in formset)]:
        data |= _shown(forms.management_form)
        for form in forms:
            data |= _shown(form)
    return data


def _structure(directive: Directive) -> dict:
    sections = []
    for section in directive.sections.order_by("order"):
        addressees = sorted(
            (a.group is not None, a.role) for a in section.addressees.select_related("group")
        )
        tasks = [t.text for t in section.tasks.order_by("order")]
        sections.append((section.number, section.heading, section.intro, tasks, addressees))
    facts = ("number", "doc_type", "issued_on", "place", "subject", "recipients", "cc")
    return {name: getattr(directive, name) for name in facts} | {
        "issuer": directive.issuer.name,
        "signer_name": directive.signer_name,
        "sections": sections,
    }


def _import(client, letter: str):
    review = client.post(reverse("directives:import"), {"text": letter})
    assert review.status_code == 200
    return review, client.post(reverse("directives:import_save"), _accept(review))


def test_136_imported_unchanged_has_the_structure_load_demo_gives(letter, reviewer):
    """Into a database with no directive and none of the district's units."""
    _review, saved = _import(login(reviewer), letter)

    imported = Directive.objects.get()
    assert saved.url == reverse("directives:structure", args=[imported.pk])
    assert imported.status == Directive.Status.DRAFT
    assert imported.body == letter.strip()
    structure = _structure(imported)
    imported.delete()
    demo.load_demo()
    assert structure == _structure(Directive.objects.get(number=demo.NUMBER))


def test_the_names_resolve_to_the_units_and_groups_already_known(letter, reviewer):
    Unit.objects.filter(memberships__user=reviewer).update(name=demo.BAN_TUYEN_GIAO)
    units = demo.load_units()

    _review, _saved = _import(login(reviewer), letter)

    directive = Directive.objects.get()
    assert directive.issuer == units[demo.HUYEN_UY]
    for number, _heading, _intro, _tasks, addressees in demo.SECTIONS:
        section = directive.sections.get(number=number)
        got = sorted(
            ((a.group or a.unit).name, a.group is not None, a.role)
            for a in section.addressees.select_related("unit", "group")
        )
        assert got == sorted(addressees), number
    assert Unit.objects.count() == len(units)  # nothing new was made
    assert UnitGroup.objects.count() == 2


def test_the_review_page_shows_the_letter_and_each_match(letter, reviewer):
    demo.load_units()

    review = login(reviewer).post(reverse("directives:import"), {"text": letter})

    page = review.content.decode()
    assert 'id="letter"' in page and "Nguyễn Đình Thuận" in page
    assert page.count('class="card mb-3 shadow-sm section-proposal"') == 4
    assert "Ủy ban nhân dân huyện Tuy Phước" in page  # the unit "Ủy ban nhân dân huyện" is
    assert "Công an huyện (phối hợp)" in page


def test_an_uploaded_docx_is_read_like_the_text(letter, reviewer):
    upload = SimpleUploadedFile("136-CV-HU.docx", seed_docx())

    review = login(reviewer).post(reverse("directives:import"), {"file": upload})

    assert review.status_code == 200
    assert review.context["header"]["number"].value() == "136-CV/HU"
    assert review.context["formset"].total_form_count() == 4


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("hong.docx", b"not a zip at all", "Tệp .docx bị hỏng"),
        ("anh.png", b"\x89PNG....", "Tệp ảnh bị hỏng hoặc không phải ảnh JPG, PNG."),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message(name, content, message, reviewer):
    response = login(reviewer).post(
        reverse("directives:import"), {"file": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Directive.objects.exists()


def test_a_docx_without_its_document_part_is_refused(reviewer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
    upload = SimpleUploadedFile("rong.docx", buffer.getvalue())

    response = login(reviewer).post(reverse("directives:import"), {"file": upload})

    assert "Tệp .docx bị hỏng" in response.content.decode()


def test_nothing_to_read_is_asked_for(reviewer):
    response = login(reviewer).post(reverse("directives:import"), {"text": "  "})

    assert "Chọn tệp văn bản hoặc dán toàn văn." in response.content.decode()


def test_bad_corrections_re_render_with_the_reviewers_text(letter, reviewer):
    client = login(reviewer)
    review = client.post(reverse("directives:import"), {"text": letter})
    data = _accept(review) | {
        "issued_on": "32/13/2021",
        "muc-1-addressees": "",
        "muc-1-nv-1-text": "Một nhiệm vụ do chuyên viên thêm vào",  # the section's blank row
    }

    response = client.post(reverse("directives:import_save"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ngày viết theo dạng ngày/tháng/năm" in page
    assert "Mục có nhiệm vụ phải có đơn vị được giao" in page
    assert "Một nhiệm vụ do chuyên viên thêm vào" in page
    assert 'id="letter"' in page and "Nguyễn Đình Thuận" in page
    assert not Directive.objects.exists()


def test_a_number_already_entered_is_refused(letter, reviewer):
    client = login(reviewer)
    _import(client, letter)

    _review, again = _import(client, letter)

    assert again.status_code == 200
    assert "Đã có văn bản số 136-CV/HU." in again.content.decode()
    assert Directive.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("reporter_a", 403), ("reporter_b", 403), ("reviewer", 200), ("leader", 403)],
)
def test_only_reviewers_import(persona, status, letter, client_for):
    client = client_for(persona)

    page = client.get(reverse("directives:import"))
    save = client.post(reverse("directives:import_save"), {"number": "1-CV/HU"})

    assert page.status_code == status
    assert save.status_code == (200 if persona == "reviewer" else 403)
    assert not Directive.objects.exists()


@pytest.mark.parametrize("name", ["import", "import_save"])
def test_anonymous_visitors_are_sent_to_log_in(name, client):
    response = client.get(reverse(f"directives:{name}"))

    assert response.status_code == 302
    assert response.url.startswith("/dang-nhap/")


def test_the_save_step_refuses_get(reviewer):
    assert login(reviewer).get(reverse("directives:import_save")).status_code == 405


# The command line --------------------------------------------------------------------


def test_the_command_prints_the_reading_as_json(capsys):
    call_command("import_directive", str(SEED), "--json")

    reading = json.loads(capsys.readouterr().out)
    assert list(reading) == [
        "number", "doc_type", "date", "place", "issuer", "parent_issuer", "subject",
        "recipients", "based_on", "sections", "signer", "cc",
    ]  # fmt: skip
    assert (reading["number"], reading["date"]) == ("136-CV/HU", "2021-08-25")
    assert [len(s["tasks"]) for s in reading["sections"]] == [4, 1, 2, 2]
    assert not Directive.objects.exists()


def test_the_command_saves_a_draft_directive(capsys):
    call_command("import_directive", str(SEED))

    directive = Directive.objects.get()
    assert directive.status == Directive.Status.DRAFT
    assert directive.sections.count() == 4
    assert "Đã lưu" in capsys.readouterr().out


def test_the_command_explains_a_broken_file(tmp_path):
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 truncated")

    with pytest.raises(CommandError, match="bị hỏng"):
        call_command("import_directive", str(broken))


# What the reviewer's corrections may break ---------------------------------------------


def _reviewed(client, letter: str) -> dict:
    return _accept(client.post(reverse("directives:import"), {"text": letter}))


def test_two_sections_with_one_number_are_refused_not_a_server_error(letter, reviewer):
    client = login(reviewer)
    data = _reviewed(client, letter) | {"muc-1-number": "1"}

    response = client.post(reverse("directives:import_save"), data)

    assert response.status_code == 200
    assert "Số mục bị trùng: 1." in response.content.decode()
    assert not Directive.objects.exists()


def test_a_name_given_twice_makes_one_unit_and_lead_wins(letter, reviewer):
    client = login(reviewer)
    data = _reviewed(client, letter) | {
        "muc-0-addressees": "Các xã mới (phối hợp)\nCác xã mới\nPhòng Nội vụ (phối hợp)",
        "muc-1-addressees": "Phòng Nội vụ\nphòng nội vụ (phối hợp)",
    }

    response = client.post(reverse("directives:import_save"), data)

    assert response.status_code == 302
    directive = Directive.objects.get()
    first = directive.sections.get(number="1").addressees.select_related("unit", "group")
    assert sorted(((a.group or a.unit).name, a.role) for a in first) == [
        ("Các xã mới", "lead"),
        ("Phòng Nội vụ", "support"),
    ]
    second = directive.sections.get(number="2").addressees.get()
    assert (second.unit.name, second.role) == ("Phòng Nội vụ", "lead")
    assert Unit.objects.filter(name__iexact="Phòng Nội vụ").count() == 1
    assert UnitGroup.objects.filter(name="Các xã mới").count() == 1


def test_a_name_that_fits_many_units_is_not_guessed(letter, reviewer):
    demo.load_units()
    client = login(reviewer)
    data = _reviewed(client, letter) | {"muc-2-addressees": "Đảng bộ xã"}

    client.post(reverse("directives:import_save"), data)

    addressee = Directive.objects.get().sections.get(number="3").addressees.get()
    assert addressee.unit.name == "Đảng bộ xã"  # a new unit, not Đảng bộ xã Phước An


def test_a_closed_unit_is_not_given_new_tasks(letter, reviewer):
    units = demo.load_units()
    closed = units[demo.BAN_TUYEN_GIAO]
    closed.valid_to = datetime.date(2020, 12, 31)
    closed.save()
    Unit.objects.filter(memberships__user=reviewer).update(name="Văn phòng Huyện ủy (thử)")

    _import(login(reviewer), letter)

    addressee = Directive.objects.get().sections.get(number="4").addressees.get()
    assert addressee.unit != closed
    assert addressee.unit.name == "Ban Tuyên giáo Huyện ủy"


def test_a_name_too_long_for_a_unit_is_refused_with_a_message(letter, reviewer):
    client = login(reviewer)
    data = _reviewed(client, letter) | {"muc-3-addressees": "Ban " + "rất dài " * 60}

    response = client.post(reverse("directives:import_save"), data)

    assert response.status_code == 200
    assert "Tên đơn vị dài quá 255 ký tự" in response.content.decode()
    assert not Directive.objects.exists()


def test_a_letter_too_long_is_refused_with_a_message(reviewer):
    response = login(reviewer).post(
        reverse("directives:import"),
        {"file": SimpleUploadedFile("dai.txt", ("Nội dung dài. " * 40_000).encode())},
    )

    assert "Văn bản dài quá 500.000 ký tự" in response.content.decode()


def test_the_command_refuses_duplicate_section_numbers(tmp_path):
    letter = tmp_path / "trung.md"
    letter.write_text(
        SEED.read_text(encoding="utf-8").replace("## **2. ", "## **1. "), encoding="utf-8"
    )

    with pytest.raises(CommandError, match="Số mục bị trùng"):
        call_command("import_directive", str(letter))
    assert not Directive.objects.exists()


# Each task's kind and deadline -------------------------------------------------------

D = datetime.date
CAO_TOC = "02-vpcp-cv11414-cao-toc-ben-luc-long-thanh.md"  # 3 sections, tasks 3 + 1 + 1


def _cao_toc(client) -> dict:
    return _accept(client.post(reverse("directives:import"), {"text": read_corpus(CAO_TOC)}))


def _tasks() -> list[tuple]:
    tasks = Task.objects.filter(section__directive__number="11414/VPCP-CN")
    return [
        (t.code, t.kind, t.deadline, t.deadline_words)
        for t in tasks.order_by("section__order", "order")
    ]


def test_the_review_shows_each_tasks_guessed_kind_and_deadline(reviewer):
    review = login(reviewer).post(reverse("directives:import"), {"text": read_corpus(CAO_TOC)})

    first = review.context["formset"][0].task_forms[0]
    assert (first["kind"].value(), first["deadline"].value(), first["deadline_words"].value()) == (
        "deadline",
        D(2025, 11, 30),
        "trước ngày 30 tháng 11 năm 2025",
    )
    page = review.content.decode()
    assert page.count('class="small mb-0 deadline-guess"') == 5  # each task; no blank row
    assert "Có thời hạn, hạn 30/11/2025 (“trước ngày 30 tháng 11 năm 2025”)" in page
    assert 'name="muc-0-nv-0-deadline" value="30/11/2025"' in page
    assert page.count('data-guess-kind="ongoing"') == 2


def test_the_guesses_unchanged_are_what_the_tasks_get(reviewer):
    client = login(reviewer)

    assert client.post(reverse("directives:import_save"), _cao_toc(client)).status_code == 302

    assert _tasks() == [
        ("1.1", "deadline", D(2025, 11, 30), "trước ngày 30 tháng 11 năm 2025"),
        ("1.2", "ongoing", None, ""),
        ("1.3", "deadline", D(2025, 12, 31), "trong năm 2025"),
        ("2.1", "ongoing", None, ""),
        ("3.1", "deadline", D(2025, 12, 31), "trong năm 2025"),
    ]


def test_what_the_reviewer_sets_is_what_the_tasks_get(reviewer):
    client = login(reviewer)
    data = _cao_toc(client) | {
        "muc-0-nv-0-deadline": "15/11/2025",
        "muc-0-nv-1-kind": "both",  # its date read from the words: 31/3/2026, a Tuesday
        "muc-0-nv-1-deadline_words": "trong quý I/2026",
        "muc-0-nv-2-DELETE": "on",
        "muc-1-nv-0-kind": "deadline",
        "muc-1-nv-0-deadline": "30/06/2026",
        "muc-2-nv-0-kind": "ongoing",  # its date, still in the box, is dropped
        "muc-2-nv-1-text": "Báo cáo kết quả thông xe.",  # the section's blank row
        "muc-2-nv-1-kind": "deadline",
        "muc-2-nv-1-deadline_words": "trước ngày 5/1",  # the next 5 January
    }

    response = client.post(reverse("directives:import_save"), data)

    assert response.status_code == 302
    assert _tasks() == [
        ("1.1", "deadline", D(2025, 11, 15), "trước ngày 30 tháng 11 năm 2025"),
        ("1.2", "both", D(2026, 3, 31), "trong quý I/2026"),
        ("2.1", "deadline", D(2026, 6, 30), ""),
        ("3.1", "ongoing", None, "trong năm 2025"),
        ("3.2", "deadline", D(2026, 1, 5), "trước ngày 5/1"),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"muc-1-nv-0-kind": "deadline"}, "cần ngày hoàn thành (hoặc hạn theo văn bản)"),
        (
            {"muc-1-nv-0-kind": "both", "muc-1-nv-0-deadline_words": "sớm nhất có thể"},
            "cần ngày hoàn thành (hoặc hạn theo văn bản)",
        ),
        ({"muc-0-nv-0-deadline": "31/02/2026"}, "Ngày viết theo dạng ngày/tháng/năm"),
        ({"muc-0-nv-0-kind": "doi-khi"}, "Chọn loại nhiệm vụ trong danh sách."),
        ({"muc-0-nv-0-deadline_words": "x" * 65}, "tối đa 64 kí tự"),
        ({"muc-0-nv-0-text": " "}, "Cần nhập nội dung nhiệm vụ."),
        (  # a blank row given a deadline but no words
            {"muc-2-nv-1-kind": "deadline", "muc-2-nv-1-deadline": "01/01/2026"},
            "Cần nhập nội dung nhiệm vụ.",
        ),
    ],
)
def test_bad_task_corrections_are_refused_and_kept(changes, message, reviewer):
    client = login(reviewer)
    data = _cao_toc(client) | {"muc-2-heading": "Bộ Xây dựng (đã sửa)"} | changes

    response = client.post(reverse("directives:import_save"), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Có nhiệm vụ chưa đúng: xem các ô báo lỗi bên dưới." in page
    sections = response.context["formset"]
    assert sections[2]["heading"].value() == "Bộ Xây dựng (đã sửa)"
    for name, value in changes.items():
        _muc, section, _nv, task, field = name.split("-")
        assert sections[int(section)].task_forms[int(task)][field].value() == value
    assert not Directive.objects.exists()


def test_a_yearless_deadline_under_a_bad_letter_date_is_no_server_error(reviewer):
    client = login(reviewer)
    data = _cao_toc(client) | {
        "issued_on": "",
        "muc-1-nv-0-kind": "deadline",
        "muc-1-nv-0-deadline_words": "trước ngày 15/12",
    }

    response = client.post(reverse("directives:import_save"), data)

    assert response.status_code == 200
    assert 'value="trước ngày 15/12"' in response.content.decode()
    assert not Directive.objects.exists()


WORDS = st.one_of(
    st.text(max_size=70),
    st.sampled_from(["trước ngày 29/2", "trong năm 0000", "quý V/2026", "tháng 13/2026"]),
    st.builds(
        "trước ngày {}/{}/{}".format, st.integers(0, 40), st.integers(0, 14), st.integers(0, 9999)
    ),
)
DAYS = st.one_of(
    st.text(max_size=12), st.sampled_from(["31/02/2026", "01/01/0001", "31/12/9999", ""])
)


def test_any_kind_and_deadline_typed_is_saved_or_explained(reviewer):
    """Never a server error: saved as Task's rules allow, or shown again with a reason."""
    client = login(reviewer)
    accepted = _cao_toc(client)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        kind=st.sampled_from(["ongoing", "deadline", "both", "", "x"]),
        deadline=DAYS,
        words=WORDS,
        issued_on=st.sampled_from(["20/11/2025", "", "29/02/2025"]),
    )
    def post(kind, deadline, words, issued_on):
        Directive.objects.all().delete()
        data = accepted | {
            "issued_on": issued_on,
            "muc-0-nv-0-kind": kind,
            "muc-0-nv-0-deadline": deadline,
            "muc-0-nv-0-deadline_words": words,
        }
        response = client.post(reverse("directives:import_save"), data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert not Directive.objects.exists()
            assert "Chưa lưu" in response.content.decode()
        else:
            task = Task.objects.get(
                section__directive__number="11414/VPCP-CN", order=1, section__order=1
            )
            assert (task.kind == "ongoing") == (task.deadline is None)

    post()


def test_the_command_saves_each_tasks_guessed_kind_and_deadline():
    call_command("import_directive", str(CORPUS / CAO_TOC))

    assert [task[1:3] for task in _tasks()] == [
        ("deadline", D(2025, 11, 30)),
        ("ongoing", None),
        ("deadline", D(2025, 12, 31)),
        ("ongoing", None),
        ("deadline", D(2025, 12, 31)),
    ]
