"""A directive (văn bản chỉ đạo), its sections and tasks, and who must carry each task out;
the file it was read from (LetterFile)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.files import unguessable_name
from units.models import Unit, UnitGroup, active_between_q
from workdays import calendar as workdays

from . import deadlines


class DirectiveQuerySet(models.QuerySet):
    def published(self) -> "DirectiveQuerySet":
        return self.exclude(status=Directive.Status.DRAFT)

    def in_force(self) -> "DirectiveQuerySet":
        return self.filter(status=Directive.Status.ACTIVE)


# The years a directive's dates may fall in: its periods are reckoned from them by date
# arithmetic, which fails near year 1 and 9999. (1930: the Party's founding.)
DIRECTIVE_YEARS = (1930, 2199)
LOCK_DAYS_MAX = 366


def reckonable_day(day: datetime.date | None) -> None:
    """Refuse a directive's date outside DIRECTIVE_YEARS."""
    first, last = DIRECTIVE_YEARS
    if day is not None and not first <= day.year <= last:
        raise ValidationError(
            _("Chọn một ngày từ năm %(first)s đến năm %(last)s."),
            code="out_of_range",
            params={"first": first, "last": last},
        )


class Directive(models.Model):
    class DocType(models.TextChoices):
        CONG_VAN = "cong_van", _("Công văn")
        CHI_THI = "chi_thi", _("Chỉ thị")
        KE_HOACH = "ke_hoach", _("Kế hoạch")
        NGHI_QUYET = "nghi_quyet", _("Nghị quyết")
        KET_LUAN = "ket_luan", _("Kết luận")
        THONG_BAO = "thong_bao", _("Thông báo")
        QUYET_DINH = "quyet_dinh", _("Quyết định")
        DE_AN = "de_an", _("Đề án")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        ACTIVE = "active", _("Đang thực hiện")
        CLOSED = "closed", _("Đã kết thúc")

    class Schedule(models.TextChoices):
        ONCE = "once", _("Một lần")
        MONTHLY = "monthly", _("Hằng tháng")
        QUARTERLY = "quarterly", _("Hằng quý")
        HALF_YEARLY = "half_yearly", _("6 tháng")
        YEARLY = "yearly", _("Hằng năm")

    number = models.CharField(
        _("số và ký hiệu"), max_length=64, unique=True, help_text=_("Ví dụ: 136-CV/HU")
    )
    doc_type = models.CharField(
        _("loại văn bản"), max_length=16, choices=DocType.choices, default=DocType.CONG_VAN
    )
    issued_on = models.DateField(_("ngày ban hành"), validators=[reckonable_day])
    place = models.CharField(_("địa danh"), max_length=128, blank=True)
    issuer = models.ForeignKey(
        Unit,
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="issued_directives",
    )
    issuing_authority = models.CharField(
        _("thẩm quyền ban hành"),
        max_length=128,
        blank=True,
        help_text=_("Ví dụ: Ban Thường vụ Huyện ủy"),
    )
    signer_on_behalf = models.CharField(
        _("thẩm quyền ký"), max_length=128, blank=True, help_text=_("Ví dụ: T/M BAN THƯỜNG VỤ")
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=128, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=128, blank=True)
    subject = models.TextField(_("trích yếu"))
    based_on = models.TextField(_("căn cứ"), blank=True)
    recipients = models.JSONField(_("kính gửi"), default=list, blank=True)
    cc = models.JSONField(_("nơi nhận"), default=list, blank=True)
    body = models.TextField(_("toàn văn"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    schedule = models.CharField(
        _("chế độ báo cáo"), max_length=16, choices=Schedule.choices, default=Schedule.MONTHLY
    )
    reporting_starts_on = models.DateField(
        _("báo cáo từ ngày"),
        validators=[reckonable_day],
        null=True,
        blank=True,
        help_text=_("Để trống: kỳ đầu tiên là kỳ sau ngày ban hành."),
    )
    lock_days = models.PositiveSmallIntegerField(
        _("khóa nhập sau hạn (ngày)"),
        default=10,
        validators=[
            MaxValueValidator(
                LOCK_DAYS_MAX,
                _("Số ngày khóa nhập tối đa %(limit_value)s (một năm)."),
            )
        ],
        help_text=_(
            "Số ngày sau hạn nộp mà đơn vị còn được báo cáo; sau đó chỉ nhập được khi bộ "
            "phận theo dõi mở lại. 0: không khóa."
        ),
    )
    reporting_ends_on = models.DateField(
        _("báo cáo đến ngày"),
        validators=[reckonable_day],
        null=True,
        blank=True,
        help_text=_("Để trống: báo cáo cho đến khi văn bản kết thúc."),
    )
    topic = models.CharField(
        _("lĩnh vực"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Một nhãn đơn giản để lọc, ví dụ: Tuyên giáo, Kinh tế, Xây dựng Đảng."),
    )
    reporters_hand_down = models.BooleanField(
        _("cán bộ báo cáo được giao việc tiếp"),
        default=False,
        help_text=_(
            "Lãnh đạo đơn vị luôn giao tiếp được nhiệm vụ cho đơn vị cấp dưới; đánh dấu để "
            "cán bộ báo cáo của đơn vị cũng giao được."
        ),
    )

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        ordering = ["-issued_on", "number"]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number}"

    @property
    def is_in_force(self) -> bool:
        """Units file reports only while the directive is in force."""
        return self.status == self.Status.ACTIVE

    @property
    def is_published(self) -> bool:
        return self.status != self.Status.DRAFT


def letter_path(instance: "LetterFile", filename: str) -> str:
    return unguessable_name("letters", filename)


class LetterFile(models.Model):
    """The file a directive was read from (văn bản gốc), kept as uploaded: a .docx, .md,
    .txt, a PDF (signed or not), a scan or a photo. Until the reviewer saves the reading it
    belongs to no directive and only its uploader sees it; saved, it goes with the
    directive. Served only through views that ask the permission module."""

    directive = models.OneToOneField(
        Directive,
        verbose_name=_("văn bản"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="letter_file",
    )
    file = models.FileField(_("tệp"), upload_to=letter_path, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    read_by_ocr = models.BooleanField(_("đọc bằng nhận dạng chữ"), default=False)
    # The stored names of the page images shown beside a reading made by OCR, in order.
    pages = models.JSONField(_("ảnh các trang"), default=list, blank=True)
    # What letter_reader.signature found of each digital signature (SignatureFacts).
    signatures = models.JSONField(_("chữ ký số"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản gốc")
        verbose_name_plural = _("văn bản gốc")
        ordering = ["-uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def page(self, number: int):
        """The page image `number` (from 1), opened; Http404's to raise is the view's."""
        return self.file.storage.open(self.pages[number - 1], "rb")

    @property
    def signature_facts(self) -> list:
        from .letter_reader.signature import SignatureFacts

        return [SignatureFacts.from_json(facts) for facts in self.signatures]


class Section(models.Model):
    """A numbered part of the directive (mục 1, 2 …), addressed to units or unit groups."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="sections"
    )
    number = models.CharField(_("số mục"), max_length=16)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    heading = models.TextField(_("tiêu đề mục"))
    intro = models.TextField(
        _("lời dẫn"), blank=True, help_text=_("Đoạn văn trước các nhiệm vụ của mục, nếu có.")
    )

    class Meta:
        verbose_name = _("mục")
        verbose_name_plural = _("mục")
        ordering = ["directive_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "number"], name="unique_section_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"


class Role(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    SUPPORT = "support", _("Phối hợp")


class Addressee(models.Model):
    """A unit, or every unit of a group, that a section addresses, with its role."""

    section = models.ForeignKey(
        Section, verbose_name=_("mục"), on_delete=models.CASCADE, related_name="addressees"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, null=True, blank=True
    )
    group = models.ForeignKey(
        UnitGroup, verbose_name=_("nhóm đơn vị"), on_delete=models.PROTECT, null=True, blank=True
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.LEAD)

    class Meta:
        verbose_name = _("đơn vị được giao")
        verbose_name_plural = _("đơn vị được giao")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, group__isnull=True)
                | Q(unit__isnull=True, group__isnull=False),
                name="addressee_unit_xor_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit or self.group} ({self.get_role_display()})"


class Task(models.Model):
    class Kind(models.TextChoices):
        ONGOING = deadlines.ONGOING, _("Thường xuyên")  # reported each period
        DEADLINE = deadlines.DEADLINE, _("Có thời hạn")  # done by its deadline
        BOTH = deadlines.BOTH, _("Thường xuyên, có thời hạn")  # reported until done

    section = models.ForeignKey(
        Section, verbose_name=_("mục"), on_delete=models.CASCADE, related_name="tasks"
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung nhiệm vụ"))
    kind = models.CharField(
        _("loại nhiệm vụ"), max_length=16, choices=Kind.choices, default=Kind.ONGOING
    )
    deadline = models.DateField(
        _("hạn hoàn thành"),
        null=True,
        blank=True,
        help_text=_("Ngày phải hoàn thành; một khoảng (quý, tháng) tính đến ngày làm việc cuối."),
    )
    deadline_words = models.CharField(
        _("hạn theo văn bản"),
        max_length=64,
        blank=True,
        help_text=_("Lời của văn bản, ví dụ “trong quý III/2026”."),
    )

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["order", "pk"]
        constraints = [
            # A deadline task has its date; an ongoing one has none.
            models.CheckConstraint(
                condition=Q(kind="ongoing", deadline__isnull=True)
                | (~Q(kind="ongoing") & Q(deadline__isnull=False)),
                name="task_deadline_as_its_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    def clean(self):
        """The deadline as the kind says: none for an ongoing task (reported each period,
        never "due"); a date for the others, read from the letter's words ("trong quý
        III/2026": its last working day) when none is given."""
        if self.kind == self.Kind.ONGOING:
            self.deadline = None
            return
        if self.deadline is None and self.deadline_words.strip():
            self.deadline = deadlines.read_deadline(
                self.deadline_words,
                issued_on=self.section.directive.issued_on,
                exceptions=workdays.exceptions(),
            ).date
        if self.deadline is None:
            raise ValidationError(
                {"deadline": _("Nhiệm vụ có thời hạn cần ngày hoàn thành (hoặc hạn theo văn bản).")}
            )

    @property
    def has_deadline(self) -> bool:
        return self.kind != self.Kind.ONGOING

    @property
    def is_periodic(self) -> bool:
        """Reported each period (until done, for one that also has a deadline)."""
        return self.kind != self.Kind.DEADLINE

    @property
    def code(self) -> str:
        """The task's short reference as users say it: "1.2" is the second task of mục 1."""
        return f"{self.section.number}.{self.order}"


def reporting_start(starts_on, issued_on):
    """The first day a directive is reported on: its reporting_starts_on, else the day
    after it was issued. Its first period is the one holding that day (periods_generate),
    and how far a report should have come ("behind") is measured from it."""
    return starts_on or issued_on + datetime.timedelta(days=1)


def reports_in(kind: str, done_on, start) -> bool:
    """Whether an assignment (its task's kind, the day it was done) owes a progress report
    for a period starting on `start`: every task but one only to be done by a deadline,
    and one reported each period until done only up to the period it was done in. The
    unit must also be active in the period (units.models.active_between). SQL form:
    reports_in_q."""
    return kind != Task.Kind.DEADLINE and (done_on is None or done_on >= start)


def reports_in_q(start, prefix: str = "") -> Q:
    """The SQL form of reports_in: assignments that owe a progress report for a period
    starting on `start`. `prefix` reaches the assignment through a relation, e.g.
    "assignment__"."""
    return ~Q(**{f"{prefix}task__kind": Task.Kind.DEADLINE}) & (
        Q(**{f"{prefix}done_on__isnull": True}) | Q(**{f"{prefix}done_on__gte": start})
    )


def held_q(today, prefix: str = "") -> Q:
    """Assignments their unit holds: the unit was active on the day the task was done
    or, not done, is active `today`. A unit closed before it did a task handed it over
    (reorganisations: its successor's copy counts) or dropped it; a successor's copy
    of a task done before it existed is its history, not a second task."""
    day = Coalesce(F(f"{prefix}done_on"), Value(today))
    return active_between_q(day, day, f"{prefix}unit__")


def due_expression(prefix: str = ""):
    """The SQL form of Assignment.due: the deadline after a granted extension."""
    due_by = Coalesce(F(f"{prefix}deadline"), F(f"{prefix}task__deadline"))
    return Case(
        When(**{f"{prefix}extended_to__gt": due_by}, then=F(f"{prefix}extended_to")),
        default=due_by,
        output_field=models.DateField(),
    )


class AssignmentQuerySet(models.QuerySet):
    def counted(self) -> "AssignmentQuerySet":
        """What the figures count: the assignments the directive gave. A task a unit
        handed down to the units below it is counted once, as that unit's own."""
        return self.filter(parent__isnull=True)

    def with_deadline(self) -> "AssignmentQuerySet":
        return self.exclude(task__kind=Task.Kind.ONGOING)

    def reporting_in(self, period) -> "AssignmentQuerySet":
        """Those that owe a progress report for the period (reports_in_q)."""
        return self.filter(reports_in_q(period.start))


class Assignment(models.Model):
    """One task given to one unit. A task addressed to a group fans out to each member. A
    unit may hand a task it was given down to units below it (giao việc tiếp): each gets
    an assignment of its own, whose `parent` is the unit's."""

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.LEAD)
    deadline = models.DateField(
        _("hạn riêng của đơn vị"),
        null=True,
        blank=True,
        help_text=_("Để trống: hạn của nhiệm vụ."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("giao tiếp từ"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="handed_down",
        help_text=_("Phân công của đơn vị cấp trên đã giao tiếp nhiệm vụ này."),
    )
    # Written only by the services that decide them (reports.filing): an extension of
    # the deadline granted, a declaration of completion confirmed.
    extended_to = models.DateField(_("gia hạn đến ngày"), null=True, blank=True, editable=False)
    done_on = models.DateField(
        _("ngày hoàn thành"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Ngày đơn vị báo cáo hoàn thành, ghi khi được xác nhận."),
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"],
                condition=Q(parent__isnull=True),
                name="unique_assignment",
            ),
            models.UniqueConstraint(
                fields=["parent", "unit"],
                condition=Q(parent__isnull=False),
                name="unique_handed_down_assignment",
            ),
        ]
        indexes = [
            models.Index(
                fields=["done_on"], condition=Q(done_on__isnull=False), name="assignment_done"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task.code} → {self.unit} ({self.get_role_display()})"

    @property
    def due_by(self):
        """The date this unit must have the task done by, as it was given: its own
        deadline if it was given one, else the task's (None for an ongoing task)."""
        return self.deadline or self.task.deadline

    @property
    def due(self):
        """The date it must be done by now: `due_by`, or a granted extension's later date
        (SQL: due_expression)."""
        due_by = self.due_by
        if self.extended_to and due_by and self.extended_to > due_by:
            return self.extended_to
        return due_by

    @property
    def is_handed_down(self) -> bool:
        return self.parent_id is not None

    def reports_in(self, start) -> bool:
        """Whether it owes a progress report for a period starting on `start`."""
        return reports_in(self.task.kind, self.done_on, start)


class Indicator(models.Model):
    """A figure each report on the task gives (chỉ tiêu), e.g. "Số tin, bài tuyên truyền"."""

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Cộng dồn các kỳ")
        LATEST = "latest", _("Lấy số kỳ gần nhất")
        MAX = "max", _("Lấy số lớn nhất")

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên chỉ tiêu"), max_length=255)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=64, blank=True)
    aggregation = models.CharField(
        _("cách tổng hợp"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    required = models.BooleanField(_("bắt buộc"), default=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_of_measure})" if self.unit_of_measure else self.name


class DirectiveChange(models.Model):
    """One change to a published directive (its facts or its structure): who, when, what,
    and the values before and after where they are cheap to keep."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="changes"
    )
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    what = models.CharField(_("nội dung thay đổi"), max_length=500)
    data = models.JSONField(_("trước và sau"), default=dict, blank=True)

    class Meta:
        verbose_name = _("thay đổi văn bản")
        verbose_name_plural = _("thay đổi văn bản")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.what
