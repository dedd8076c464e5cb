"""factory_boy factories, one per model the tests build. Defaults describe a plausible
monthly directive of 25/08/2021 and its September 2021 period."""

import datetime
import zoneinfo

import factory
from django.contrib.auth import get_user_model

from directives.models import Addressee, Assignment, Directive, Role, Section, Task
from reports.filing.models import ProgressReport
from reports.periods.models import ReportingPeriod
from units.models import Membership, Unit, UnitGroup

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "mat-khau-thu-nghiem"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"canbo{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@dondoc.test")
    first_name = "Cán bộ"
    last_name = factory.Sequence(lambda n: f"số {n}")
    password = factory.django.Password(PASSWORD)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Đảng bộ xã số {n}")
    kind = Unit.Kind.GRASSROOTS_PARTY


class UnitGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Các tổ chức cơ sở đảng nhóm {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.REPORTER


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    number = factory.Sequence(lambda n: f"{100 + n}-CV/HU")
    doc_type = Directive.DocType.CONG_VAN
    issued_on = datetime.date(2021, 8, 25)
    place = "Đông Anh"
    issuer = factory.SubFactory(UnitFactory, name="Huyện ủy", kind=Unit.Kind.PARTY_COMMITTEE)
    issuing_authority = "Ban Thường vụ Huyện ủy"
    subject = "V/v triển khai thực hiện chuyên đề học tập và làm theo tư tưởng Hồ Chí Minh"
    status = Directive.Status.ACTIVE
    schedule = Directive.Schedule.MONTHLY
    lock_days = 0  # tests of 2021 periods file today; lock tests set it
    # Signed, as a summary exported from it must be (reports.summaries.pipeline).
    signer_on_behalf = "T/M BAN THƯỜNG VỤ"
    signer_title = "PHÓ BÍ THƯ"
    signer_name = "Nguyễn Văn An"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    directive = factory.SubFactory(DirectiveFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    order = factory.Sequence(lambda n: n + 1)
    heading = "Tổ chức học tập, quán triệt"


class AddresseeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Addressee

    section = factory.SubFactory(SectionFactory)
    unit = factory.SubFactory(UnitFactory)
    group = None
    role = Role.LEAD


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    section = factory.SubFactory(SectionFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = "Xây dựng kế hoạch triển khai, tổ chức hội nghị quán triệt đến cán bộ, đảng viên."


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.LEAD


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    """Tháng 9/2021 under Decree 09/2019: 15/08 to 14/09, due Monday 20/09."""

    class Meta:
        model = ReportingPeriod

    directive = factory.SubFactory(DirectiveFactory)
    label = "Tháng 9/2021"
    start = datetime.date(2021, 8, 15)
    cutoff = datetime.date(2021, 9, 14)
    due = datetime.date(2021, 9, 20)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    """A draft by default; `submitted=True` / `accepted=True` / `returned=True` for the
    other states (sent at 09:00 Vietnam time on 17/09/2021, before the due date)."""

    class Meta:
        model = ProgressReport

    assignment = factory.SubFactory(AssignmentFactory)
    period = factory.SubFactory(
        ReportingPeriodFactory,
        directive=factory.SelfAttribute("..assignment.task.section.directive"),
    )
    assessment = ProgressReport.Assessment.IN_PROGRESS
    percent_done = 40
    achievements = "Đã tổ chức hội nghị quán triệt cho 100% chi bộ trực thuộc."
    status = ProgressReport.Status.DRAFT

    class Params:
        sent = factory.Trait(
            submitted_at=datetime.datetime(2021, 9, 17, 9, 0, tzinfo=VN),
            submitted_by=factory.SubFactory(UserFactory),
        )
        submitted = factory.Trait(sent=True, status=ProgressReport.Status.SUBMITTED)
        accepted = factory.Trait(sent=True, status=ProgressReport.Status.ACCEPTED)
        returned = factory.Trait(sent=True, status=ProgressReport.Status.RETURNED)


def second_factor(user):
    """A confirmed TOTP app for `user`; returns a function giving its current code."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return lambda: f"{totp(device.bin_key):06d}"
