"""The demo: Công văn 136-CV/HU of Huyện ủy Tuy Phước (25/8/2021), its units, and four
months of plausible reports (09–12/2021).

The letter's words are kept as the letter reads (its own spellings included). The reports
are made up, deterministically (a seeded random generator): most on time, some late, some
missing, one returned with a reason. The demo accounts' units owe their 12/2021 reports,
so a visitor can file one. Loading twice changes nothing.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from directives.models import Addressee, Assignment, Directive, Indicator, Section, Task
from directives.services import directive_publish
from reports.filing import services
from reports.filing.models import ProgressReport
from reports.periods.services import periods_generate
from units import permissions
from units.models import Membership, Unit, UnitGroup

from . import live, reorganisation

# The letter -----------------------------------------------------------------------------

LETTER = Path(__file__).with_name("136-CV-HU.md")  # its whole text, as the Huyện ủy sent it

NUMBER = "136-CV/HU"
SUBJECT = (
    "tăng cường công tác chỉ đạo, định hướng, quản lý thông tin trên mạng xã hội và các "
    "loại hình truyền thông khác trên internet"
)
BASED_ON = "Công văn số 251-CV/BTGTU ngày 12/8/2021 của Ban Tuyên giáo Tỉnh ủy"
RECIPIENTS = [
    "Ủy ban nhân dân huyện",
    "Công an huyện",
    "Mặt trận và các hội, đoàn thể chính trị - xã hội huyện",
    "Phòng Văn hóa - Thông tin huyện",
    "Trung tâm Văn hóa - Thông tin - Thể thao huyện",
    "Các tổ chức cơ sở đảng trực thuộc Huyện ủy",
]
CC = [
    "Như trên",
    "Ban Tuyên giáo TU (b/c)",
    "Thường trực Huyện ủy",
    "Ban Tuyên giáo HU",
    "Lưu VPHU",
]
CLOSING = (
    "Ban Thường vụ Huyện ủy yêu cầu các địa phương, cơ quan, đơn vị triển khai thực hiện "
    "nghiêm túc./."
)

PREAMBLE = [
    (
        "Những năm qua, cùng với sự phát triển vượt bậc của khoa học công nghệ, nhất là công "
        "nghệ thông tin, truyền thông toàn cầu, mạng xã hội và các loại hình truyền thông "
        "khác trên internet ở nước ta đã có sự phát triển mạnh mẽ. Với thế mạnh về khả năng "
        "tương tác cao, độ bao phủ rộng, sử dụng thuận tiện, các nền tảng mạng xã hội đã thu "
        "hút được đông đảo người sử dụng, qua đó, có những tác động sâu, rộng đến đời sống xã"
        " hội, đóng góp nhất định vào phát triển kinh tế, văn hóa, xã hội, như: đáp ứng nhu "
        "cầu thông tin, hưởng thụ văn hóa của Nhân dân; góp phần phản biện chính sách; định "
        "hướng dư luận xã hội; phục vụ hoạt động sản xuất kinh doanh, quảng bá sản phẩm; thúc"
        " đẩy quá trình hội nhập quốc tế..."
    ),
    (
        "Tuy nhiên, bên cạnh những tiện ích và mặt tích cực, công tác quản lý mạng xã hội, "
        "đặc biệt là các mạng xã hội xuyên biên giới, đang bộc lộ nhiều mặt trái đáng lo "
        "ngại. Tình trạng tổ chức, cá nhân lợi dụng mạng xã hội để nói xấu, công kích, bôi "
        "nhọ tổ chức, xúc phạm danh dự, nhân phẩm cá nhân; quảng cáo, thông tin sai sự thật "
        "về sản phẩm; thông tin thiếu chuẩn mực đạo đức, trái thuần phong mỹ tục đã ảnh hưởng"
        " tiêu cực, gây nhiều hệ lụy cho xã hội. Đặc biệt, lợi dụng mạng xã hội và các loại "
        "hình truyền thông mới trên internet, các thế lực thù địch, phản động, phản tử cơ hội"
        " chính trị đã tán phát nhiều thông tin xấu độc, quan điểm sai trái, thù địch, xuyên "
        "tạc tình hình đất nước, chống phá Đảng, Nhà nước, chế độ ta, chia rẽ khối đại đoàn "
        "kết dân tộc; tác động, ảnh hưởng xấu đến an ninh chính trị, trật tự an toàn xã hội "
        "của đất nước..."
    ),
    (
        "Thực hiện Công văn số 251-CV/BTGTU ngày 12/8/2021 của Ban Tuyên giáo Tỉnh ủy về việc"
        " tăng cường công tác chỉ đạo, định hướng, quản lý thông tin trên mạng xã hội và các "
        "loại hình truyền thông khác trên internet, Ban Thường vụ Huyện ủy yêu cầu:"
    ),
]
SECTION_1_INTRO = (
    "Chỉ đạo cơ quan chức năng: Phòng Văn hóa - Thông tin huyện, Trung tâm Văn hóa - "
    "Thông tin - Thể thao huyện, Văn phòng HĐND&UBND huyện, Công an huyện thực hiện tốt "
    "một số nội dung sau:"
)
SECTION_1_TASKS = [
    (
        "Tăng cường quản lý, theo dõi và có những biện pháp xử lý nghiêm khắc, kịp thời đối "
        "với hoạt động thông tin, truyền thông có thể phương hại an ninh quốc gia, dân tộc, "
        "gây ảnh hưởng tiêu cực đến danh dự, nhân phẩm của cá nhân, uy tín của tổ chức, lợi "
        "ích cộng đồng; đầy mạnh công tác dự báo, nắm bắt tình hình; thực hiện định danh tài "
        "khoản mạng xã hội của tổ chức, cá nhân; xử lý những thông tin độc hại, sai trái."
    ),
    (
        "Phối hợp với Ban Tuyên giáo Huyện ủy và các cơ quan liên quan tăng cường công tác "
        "quản lý, định hướng, kiểm tra, rà soát, có giải pháp quản lý chặt chẽ và hiệu quả "
        "mạng xã hội; kịp thời phát hiện, xử lý nghiêm những tổ chức, cá nhân lợi dụng mạng "
        "xã hội tán phát thông tin xấu, độc, vi phạm pháp luật, đạo đức và các chuẩn mực xã "
        "hội."
    ),
    (
        "Nâng cao hơn nữa chất lượng công tác tuyên truyền và đấu tranh phản bác các thông "
        "tin, luận điệu sai trái của các thế lực thù địch, phản động trên hệ thống đài truyền"
        " thanh từ huyện đến cơ sở, Trang thông tin điện tử UBND huyện. Phát huy vai trò chủ "
        "động, tiên phong, dẫn dắt, định hướng của Phòng Văn hóa & Thông tin huyện trong việc"
        " lan tỏa thông tin tích cực, nhân văn, nhân ái, vì cộng đồng; lên án, đấu tranh mạnh"
        " mẽ, quyết liệt với các hiện tượng, hành vi lợi dụng mạng xã hội và các phương tiện "
        "truyền thông khác trên internet để thông tin sai sự thật, thiếu chuẩn mực đạo đức, "
        "trái thuần phong mỹ tục, vi phạm pháp luật; đa dạng hóa hình thức hoạt động thông "
        "tin, tuyên truyền; chú trọng đầy mạnh tuyên truyền trên các loại truyền thông mới, "
        "đặc biệt là trên nền tảng mạng xã hội."
    ),
    (
        "Phối hợp chặt chẽ, hiệu quả trong công tác điều tra, xử lý kịp thời các tổ chức, cá "
        "nhân có hành vi vi phạm pháp luật trên không gian mạng. Xử lý nghiêm những đối tượng"
        " phát tán thông tin xấu độc, quan điểm sai trái thù địch, xuyên tạc tình hình của "
        "đất nước, của huyện, các luận điệu xuyên tạc nhằm chia rẽ khối đại đoàn kết dân tộc,"
        " tác động ảnh hưởng xấu đến an ninh chính trị, trật tự an toàn xã hội của đất nước, "
        "của tỉnh, của huyện; phối hợp với các cơ quan thẩm quyền xác minh, truy vết và xử lý"
        " những tài khoản mạng xã hội vi phạm pháp luật Việt Nam."
    ),
]
SECTION_2_TASKS = [
    (
        "Tuyên truyền, vận động đoàn viên, hội viên và quần chúng nhân dân trong huyện tăng "
        "cường đăng tải, chia sẻ thông tin chính thống, các bài viết tích cực, có tính giáo "
        "dục, tính chiến đấu và định hướng tư tưởng từ các cơ quan chức năng; đấu tranh phản "
        "bác các luận điệu xuyên tạc, bịa đặt của các thế lực cơ hội, thù địch, phản động "
        "liên quan đến công tác phòng, chống dịch bệnh covid-19 và những vụ việc, vấn đề khác"
        " phát sinh trên địa bàn."
    ),
]
SECTION_3_TASKS = [
    (
        "Đẩy mạnh công tác tuyên truyền, quán triệt, thực hiện nghiêm chủ trương, đường lối "
        "của Đảng và chính sách, pháp luật của Nhà nước đối với vấn đề an toàn, an ninh mạng,"
        " quản lý thông tin trên mạng xã hội và các loại hình truyền thông khác trên "
        "internet; thực hiện Bộ Quy tắc ứng xử trên mạng xã hội..."
    ),
    (
        "Tăng cường công tác quản lý, theo dõi, chủ động nắm bắt tình hình dư luận xã hội; "
        "định hướng, quán triệt cán bộ, đảng viên, hội viên, đoàn viên không viết, không đăng"
        " tải, chia sẻ, bình luận các nội dung xấu, sai sự thật, chưa được kiểm chứng trên "
        "internet, mạng xã hội liên quan đến các vụ việc “phức tạp”, “nhạy cảm”, nhất là các "
        "thông tin liên quan đến tình hình dịch bệnh Covid-19, chủ động lan tỏa, chia sẻ bài "
        "viết, bình luận có nội dung tích cực mang tính định hướng dư luận theo nguồn tin "
        "chính thống, tạo sự đồng thuận, tin tưởng trong các tầng lớp nhân dân về vai trò "
        "lãnh đạo của Đảng, quản lý, điều hành của Nhà nước và của cấp ủy, chính quyền các "
        "cấp."
    ),
]
SECTION_4_TASKS = [
    (
        "Phát huy vai trò, trách nhiệm cơ quan chỉ đạo, định hướng thông tin và tuyên truyền,"
        " tăng cường theo dõi, nắm bắt tình hình dư luận xã hội nhằm dự báo và tham mưu Ban "
        "Thường vụ Huyện ủy xử lý những “điểm nóng”, “có vấn đề” phát sinh có thể xuất hiện "
        "tác động tới tâm trạng xã hội, tình hình an ninh chính trị, trật tự an toàn xã hội."
    ),
    (
        "Tham mưu Ban Chỉ đạo 35 huyện tăng cường đấu tranh phản bác các quan điểm, thông tin"
        " sai trái; kịp thời tham mưu Huyện ủy chỉ đạo, định hướng và xử lý đối với những vấn"
        " đề nổi lên trong dư luận, thông tin sai sự thật, thiếu kiểm chứng gây ảnh hưởng xấu"
        " đến tình hình tư tưởng và dư luận xã hội của cán bộ, đảng viên và các tầng lớp nhân"
        " dân trên địa bàn huyện."
    ),
]

# The units ------------------------------------------------------------------------------

PROVINCE = "Đảng bộ tỉnh Bình Định"
HUYEN_UY = "Huyện ủy Tuy Phước"
UBND = "Ủy ban nhân dân huyện Tuy Phước"
CONG_AN = "Công an huyện Tuy Phước"
MTTQ = "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Tuy Phước"
BAN_TUYEN_GIAO = "Ban Tuyên giáo Huyện ủy Tuy Phước"
VAN_PHONG = "Văn phòng Huyện ủy Tuy Phước"
PHUOC_SON = "Đảng bộ xã Phước Sơn"
# Section 2 addresses two: the Front (a unit) and the group of mass organisations.
FRONT_GROUP = "Các hội, đoàn thể chính trị - xã hội huyện"
GRASSROOTS_GROUP = "Các tổ chức cơ sở đảng trực thuộc Huyện ủy"

K = Unit.Kind
# (name, short name, kind, parent)
UNITS = [
    (PROVINCE, "Đảng bộ tỉnh", K.PARTY_COMMITTEE, None),
    (HUYEN_UY, "Huyện ủy", K.PARTY_COMMITTEE, PROVINCE),
    (BAN_TUYEN_GIAO, "Ban Tuyên giáo HU", K.PARTY_BOARD, HUYEN_UY),
    (VAN_PHONG, "VPHU", K.PARTY_BOARD, HUYEN_UY),
    (UBND, "UBND huyện", K.GOVERNMENT, None),
    ("Phòng Văn hóa - Thông tin huyện", "Phòng VH-TT", K.AGENCY, UBND),
    ("Trung tâm Văn hóa - Thông tin - Thể thao huyện", "Trung tâm VH-TT-TT", K.AGENCY, UBND),
    ("Văn phòng HĐND và UBND huyện", "VP HĐND và UBND", K.AGENCY, UBND),
    (CONG_AN, "Công an huyện", K.POLICE, None),
    (MTTQ, "UBMTTQ huyện", K.FRONT, None),
    ("Hội Liên hiệp Phụ nữ huyện", "Hội LHPN huyện", K.MASS_ORG, None),
    ("Huyện đoàn Tuy Phước", "Huyện đoàn", K.MASS_ORG, None),
    ("Hội Nông dân huyện", "Hội ND huyện", K.MASS_ORG, None),
    ("Hội Cựu chiến binh huyện", "Hội CCB huyện", K.MASS_ORG, None),
    ("Liên đoàn Lao động huyện", "LĐLĐ huyện", K.MASS_ORG, None),
]
COMMUNES = [
    "thị trấn Tuy Phước",
    "thị trấn Diêu Trì",
    "xã Phước An",
    "xã Phước Hiệp",
    "xã Phước Hòa",
    "xã Phước Hưng",
    "xã Phước Lộc",
    "xã Phước Nghĩa",
    "xã Phước Quang",
    "xã Phước Sơn",
    "xã Phước Thắng",
    "xã Phước Thành",
    "xã Phước Thuận",
]
AGENCY_PARTY_ORGS = [
    "Đảng bộ Quân sự huyện",
    "Đảng bộ Công an huyện",
    "Đảng bộ Cơ quan Chính quyền huyện",
    "Đảng bộ Các cơ quan Đảng - Đoàn thể huyện",
]
GRASSROOTS = [f"Đảng bộ {c}" for c in COMMUNES] + AGENCY_PARTY_ORGS
FRONT_MEMBERS = [name for name, _, kind, _ in UNITS if kind == K.MASS_ORG]

# Sections: (number, heading, intro, tasks, [(unit or group name, is_group, role)])
SECTIONS = [
    (
        "1",
        "Ủy ban nhân dân huyện",
        SECTION_1_INTRO,
        SECTION_1_TASKS,
        [
            (UBND, False, "lead"),
            ("Phòng Văn hóa - Thông tin huyện", False, "support"),
            ("Trung tâm Văn hóa - Thông tin - Thể thao huyện", False, "support"),
            ("Văn phòng HĐND và UBND huyện", False, "support"),
            (CONG_AN, False, "support"),
        ],
    ),
    (
        "2",
        "Mặt trận Tổ quốc Việt Nam và các hội, đoàn thể chính trị - xã hội cấp huyện",
        "",
        SECTION_2_TASKS,
        [(MTTQ, False, "lead"), (FRONT_GROUP, True, "lead")],
    ),
    (
        "3",
        "Các tổ chức cơ sở đảng trực thuộc Huyện ủy",
        "",
        SECTION_3_TASKS,
        [(GRASSROOTS_GROUP, True, "lead")],
    ),
    ("4", "Ban Tuyên giáo Huyện ủy", "", SECTION_4_TASKS, [(BAN_TUYEN_GIAO, False, "lead")]),
]

# Indicators (chỉ tiêu) the demo asks of some tasks: task code → (name, unit of measure,
# aggregation, required, the figure of the made-up report text it repeats).
INDICATORS = {
    "1.3": [("Số tin, bài tuyên truyền đã phát, đăng", "bài", "sum", True, "n")],
    "2.1": [("Số bài viết tích cực được chia sẻ", "bài", "sum", True, "m")],
    "3.1": [("Số chi bộ đã quán triệt", "chi bộ", "latest", True, "n")],
    "3.2": [("Số vụ việc dư luận được nắm bắt, báo cáo", "vụ việc", "sum", False, "k")],
}

# The demo accounts ----------------------------------------------------------------------

PASSWORD = "dondoc-demo"
R = Membership.Role
# (username, full name shown in the menu, unit, role)
ACCOUNTS = [
    ("lanhdao", "Lãnh đạo Ban Thường vụ Huyện ủy", HUYEN_UY, R.LEADERSHIP),
    ("bantuyengiao", "Chuyên viên Ban Tuyên giáo Huyện ủy", BAN_TUYEN_GIAO, R.REVIEWER),
    # Reviews what Ban Tuyên giáo itself sends (tasks 4.1, 4.2): nobody judges its own unit.
    ("vanphonghu", "Chuyên viên Văn phòng Huyện ủy", VAN_PHONG, R.REVIEWER),
    ("ubnd", "Cán bộ UBND huyện", UBND, R.REPORTER),
    ("congan", "Cán bộ Công an huyện", CONG_AN, R.REPORTER),
    ("mattran", "Cán bộ Ủy ban MTTQ huyện", MTTQ, R.REPORTER),
    ("phuocson", "Cán bộ Đảng bộ xã Phước Sơn", PHUOC_SON, R.REPORTER),
    ("quantri", "Quản trị Văn phòng Huyện ủy", HUYEN_UY, R.UNIT_ADMIN),
]
# The units a visitor files for: their last period is left owed.
DEMO_UNITS = {unit for _, _, unit, role in ACCOUNTS if role == R.REPORTER} | {BAN_TUYEN_GIAO}

# Made-up reports ------------------------------------------------------------------------

ACHIEVEMENTS = {
    "1": [
        "Ban hành văn bản chỉ đạo các cơ quan chức năng triển khai Công văn 136-CV/HU; "
        "phân công đầu mối theo dõi thông tin trên mạng xã hội liên quan đến địa bàn huyện.",
        "Đài truyền thanh huyện và cơ sở phát {n} tin, bài tuyên truyền về Bộ Quy tắc ứng xử "
        "trên mạng xã hội; Trang thông tin điện tử UBND huyện đăng {m} tin, bài định hướng.",
        "Phối hợp Ban Tuyên giáo Huyện ủy rà soát các trang, nhóm mạng xã hội có đông thành "
        "viên trên địa bàn; phát hiện và đề nghị gỡ bỏ {k} tin, bài sai sự thật.",
    ],
    "2": [
        "Quán triệt Công văn 136-CV/HU đến cán bộ chủ chốt và {n} chi hội, chi đoàn cơ sở.",
        "Vận động hội viên, đoàn viên chia sẻ {m} bài viết tích cực từ nguồn tin chính thống "
        "về phòng, chống dịch Covid-19.",
        "Lồng ghép nội dung đấu tranh phản bác thông tin sai trái vào {k} buổi sinh hoạt "
        "định kỳ của hội, đoàn thể.",
    ],
    "3": [
        "Tổ chức quán triệt Công văn 136-CV/HU trong sinh hoạt chi bộ; {n} chi bộ trực thuộc "
        "đã triển khai đến đảng viên.",
        "Định hướng cán bộ, đảng viên, hội viên, đoàn viên không đăng tải, chia sẻ thông tin "
        "chưa kiểm chứng; nắm bắt và báo cáo {k} vụ việc dư luận quan tâm trên địa bàn.",
        "Chia sẻ {m} tin, bài tích cực về công tác phòng, chống dịch trên các nhóm Zalo của "
        "chi bộ, thôn, khu phố.",
    ],
    "4": [
        "Tổng hợp tình hình dư luận xã hội hằng tháng, tham mưu Ban Thường vụ Huyện ủy định "
        "hướng {k} vấn đề nổi lên trong dư luận.",
        "Tham mưu Ban Chỉ đạo 35 huyện ban hành kế hoạch đấu tranh phản bác quan điểm sai "
        "trái; tổ chức {n} hội nghị báo cáo viên.",
    ],
}
DIFFICULTIES = [
    "Một số chi bộ thôn chưa có cán bộ am hiểu công nghệ thông tin để theo dõi mạng xã hội.",
    "Kinh phí cho công tác tuyên truyền trên nền tảng số còn hạn chế.",
    "Do ảnh hưởng của dịch Covid-19, việc tổ chức hội nghị tập trung bị hạn chế.",
]
PROPOSALS = [
    "Đề nghị Ban Tuyên giáo Huyện ủy tổ chức tập huấn kỹ năng nhận diện thông tin sai trái "
    "trên mạng xã hội cho cán bộ cơ sở.",
    "Đề nghị cung cấp thường xuyên tài liệu định hướng tuyên truyền để các đơn vị chia sẻ.",
]
RETURN_REASON = (
    "Báo cáo chưa nêu số chi bộ đã quán triệt và số đảng viên tham gia; đề nghị bổ sung số "
    "liệu cụ thể."
)


@dataclass
class DemoSummary:
    units: int
    assignments: int
    periods: int
    reports: int


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)


def load_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    rows = UNITS[:2] + [(n, "", K.GRASSROOTS_PARTY, HUYEN_UY) for n in GRASSROOTS] + UNITS[2:]
    for name, short_name, kind, parent in rows:
        units[name], _ = Unit.objects.update_or_create(
            name=name,
            defaults={
                "short_name": short_name,
                "kind": kind,
                "parent": units[parent] if parent else None,
            },
        )
    for group_name, members in [(FRONT_GROUP, FRONT_MEMBERS), (GRASSROOTS_GROUP, GRASSROOTS)]:
        group, _ = UnitGroup.objects.get_or_create(name=group_name)
        group.members.set([units[m] for m in members])
    return units


def load_directive(units: dict[str, Unit]) -> Directive:
    directive, _ = Directive.objects.update_or_create(
        number=NUMBER,
        defaults={
            "doc_type": Directive.DocType.CONG_VAN,
            "issued_on": datetime.date(2021, 8, 25),
            "place": "Tuy Phước",
            "issuer": units[HUYEN_UY],
            "issuing_authority": "Ban Thường vụ Huyện ủy",
            "signer_on_behalf": "T/M BAN THƯỜNG VỤ",
            # The copy we hold does not show the signer's title; fill it in from the original.
            "signer_title": "",
            "signer_name": "Nguyễn Đình Thuận",
            "subject": SUBJECT,
            "based_on": BASED_ON,
            "recipients": RECIPIENTS,
            "cc": CC,
            "body": "\n\n".join([*PREAMBLE, CLOSING]),
            "schedule": Directive.Schedule.MONTHLY,
            # Kept open: the demo is 2021's history, and visitors file its last period today.
            "lock_days": 0,
            # The demo follows the first four months of reporting.
            "reporting_ends_on": datetime.date(2021, 12, 31),
        },
    )
    for order, (number, heading, intro, tasks, addressees) in enumerate(SECTIONS, start=1):
        section, _ = Section.objects.update_or_create(
            directive=directive,
            number=number,
            defaults={"order": order, "heading": heading, "intro": intro},
        )
        for task_order, text in enumerate(tasks, start=1):
            task = Task.objects.update_or_create(
                section=section, order=task_order, defaults={"text": text}
            )[0]
            for order, (name, measure, aggregation, required, _figure) in enumerate(
                INDICATORS.get(task.code, []), start=1
            ):
                Indicator.objects.update_or_create(
                    task=task,
                    order=order,
                    defaults={
                        "name": name,
                        "unit_of_measure": measure,
                        "aggregation": aggregation,
                        "required": required,
                    },
                )
        kept = []
        for name, is_group, role in addressees:
            target = (
                {"group": UnitGroup.objects.get(name=name)} if is_group else {"unit": units[name]}
            )
            kept.append(
                Addressee.objects.update_or_create(
                    section=section, **target, defaults={"role": role}
                )[0].pk
            )
        section.addressees.exclude(pk__in=kept).delete()  # an earlier demo's
    directive_publish(directive=directive)
    periods_generate(directive=directive)  # now: the reports below need them
    return directive


def load_accounts(units: dict[str, Unit]) -> None:
    User = get_user_model()
    for username, full_name, unit_name, role in ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = full_name
        user.email = f"{username}@dondoc.invalid"
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.get_or_create(user=user, unit=units[unit_name], role=role)


def _fake_report(rng: random.Random, task: Task, month_index: int) -> dict:
    section = task.section.number
    numbers = {"n": rng.randint(3, 30), "m": rng.randint(5, 60), "k": rng.randint(1, 6)}
    lines = rng.sample(ACHIEVEMENTS[section], k=min(2, len(ACHIEVEMENTS[section])))
    # The indicator repeats a figure the text states, so the two never disagree.
    figures = {spec[0]: spec[4] for spec in INDICATORS.get(task.code, [])}
    indicators = {i.pk: Decimal(numbers[figures[i.name]]) for i in task.indicators.all()}
    percent = min(100, 20 * (month_index + 1) + rng.choice([-10, 0, 0, 10, 20, 40]))
    blocked = rng.random() < 0.08
    return {
        "assessment": (
            ProgressReport.Assessment.BLOCKED
            if blocked
            else ProgressReport.Assessment.DONE
            if percent == 100
            else ProgressReport.Assessment.IN_PROGRESS
        ),
        "percent_done": percent,
        "achievements": "\n".join(line.format(**numbers) for line in lines),
        "difficulties": rng.choice(DIFFICULTIES) if blocked or rng.random() < 0.25 else "",
        "proposals": rng.choice(PROPOSALS) if rng.random() < 0.2 else "",
        "indicators": indicators,
    }


def load_reports(directive: Directive, reviewer, office) -> int:
    """File plausible reports for every period but leave the demo units' last one owed.
    `reviewer` accepts them; `office` accepts the reviewer's own unit's."""
    rng = random.Random(136)
    periods = list(directive.periods.order_by("start"))
    assignments = list(
        Assignment.objects.filter(task__section__directive=directive)
        .select_related("unit", "task__section")
        .prefetch_related("task__indicators")
        .order_by("pk")
    )
    # The demo's own accounts file their units' reports, so the log names who did what.
    filers = {
        m.unit.name: m.user
        for m in Membership.objects.filter(
            user__username__in=[username for username, *_ in ACCOUNTS],
            role__in=permissions.FILING_ROLES,
        ).select_related("unit", "user")
    }
    existing = set(
        ProgressReport.objects.filter(period__in=periods).values_list("assignment_id", "period_id")
    )
    created = 0
    for index, period in enumerate(periods):
        last = index == len(periods) - 1
        for assignment in assignments:
            # Draw every random number first, so a second load walks the same sequence.
            roll = rng.random()
            data = _fake_report(rng, assignment.task, index)
            days, hour = rng.randint(0, 4), rng.randint(8, 16)
            late = roll > (0.97 if last else 0.88)
            sent = _at(period.due + datetime.timedelta(days=2 * days + 2 if late else -days), hour)
            if (assignment.pk, period.pk) in existing:
                continue
            if last and assignment.unit.name in DEMO_UNITS:
                continue  # left for the visitor to file
            if roll < (0.45 if last else 0.08) and not _returned_slot(assignment, index, periods):
                continue  # never filed
            filer = filers.get(assignment.unit.name)
            report = services.report_save_draft(
                assignment=assignment, period=period, by=filer, data=data, at=sent
            )
            services.report_submit(report=report, by=filer, at=sent)
            if index < len(periods) - 2:
                judge = office if assignment.unit.name == BAN_TUYEN_GIAO else reviewer
                services.report_accept(
                    report=report, by=judge, at=sent + datetime.timedelta(days=2)
                )
            created += 1
    _return_one(directive, periods[-2], reviewer)
    return created


def _returned_slot(assignment: Assignment, index: int, periods: list) -> bool:
    """Phước Sơn's report on task 3.1 for the last period but one: always filed, then returned."""
    return (
        index == len(periods) - 2
        and assignment.unit.name == PHUOC_SON
        and assignment.task.code == "3.1"
    )


def _return_one(directive: Directive, period, reviewer) -> None:
    """Phước Sơn's report on task 3.1 came back for revision (once, however often we load)."""
    report = ProgressReport.objects.filter(
        period=period,
        assignment__unit__name=PHUOC_SON,
        assignment__task__section__number="3",
        assignment__task__order=1,
    ).first()
    if report and report.status == ProgressReport.Status.SUBMITTED:
        services.report_return(
            report=report,
            by=reviewer,
            reason=RETURN_REASON,
            at=report.submitted_at + datetime.timedelta(days=1),
            notify=False,  # history, not news: nobody is e-mailed about 2021
        )


@transaction.atomic
def load_demo() -> DemoSummary:
    """The demos: 136-CV/HU as it was in 2021, the live one (demo/live.py), built around
    today, and a plan across the 2025 reorganisation (demo/reorganisation.py)."""
    units = load_units()
    directive = load_directive(units)
    load_accounts(units)
    live.load_live_demo(password=PASSWORD)
    accounts = get_user_model().objects.in_bulk(
        ["bantuyengiao", "vanphonghu"], field_name="username"
    )
    reports = load_reports(directive, accounts["bantuyengiao"], accounts["vanphonghu"])
    reorganisation.load_plan_2025(units, accounts["bantuyengiao"])
    return DemoSummary(
        units=len(units),
        assignments=Assignment.objects.filter(task__section__directive=directive).count(),
        periods=directive.periods.count(),
        reports=reports,
    )
