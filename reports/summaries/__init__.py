"""The summary report (báo cáo tổng hợp) sent upward, and its exports.

One pipeline: a secretary's draft (`models.Summary`, composed by `compose.py` from the
filed reports, what units wrote said once by `sentences.py`, then edited) is frozen into
a *snapshot* (`snapshot.py`: plain JSON, the figures as they stand at export time), and
each renderer turns a snapshot into a file: `word.py` (DOCX per Hướng dẫn 36-HD/VPTW),
`workbook.py` (XLSX), `pdf.py` (PDF). `pipeline.py` runs an export (a Celery task, or
the `export_summary` command), refuses one the draft is not ready for
(`export_allowed`: no signer's title), and keeps its history. A renderer reads nothing
but the snapshot, so a made export never changes.

The snapshot (every value JSON; dates already written out in Vietnamese):

    {
      "version": 1,
      "made_at": "2021-12-20T09:30:00+07:00",
      "directive": {"number": "136-CV/HU", "subject": "…"},
      "period_ids": [3, 4, 5, 6],   # the periods whose figures add_figures reads
      "periods": "Tháng 9/2021 – Tháng 12/2021",
      "header": {
        "parent_body": "ĐẢNG BỘ TỈNH BÌNH ĐỊNH",
        "issuing_body": "HUYỆN ỦY TUY PHƯỚC",
        "number": "Số 45-BC/HU",
        "place_date": "Tuy Phước, ngày 20 tháng 12 năm 2021",
        "title": "BÁO CÁO",
        "subject": "kết quả thực hiện Công văn số 136-CV/HU, ngày 25/8/2021 …"
      },
      "parts": [   # I–IV, in order
        {"heading": "I. TÌNH HÌNH TRIỂN KHAI",
         "paragraphs": [{"text": "…", "heading": false}, …]},   # heading: a sub-heading
        …
      ],
      "recipients": ["Ban Tuyên giáo TU (b/c),", "Lưu VPHU."],   # Nơi nhận
      "signature": {"on_behalf": "T/M BAN THƯỜNG VỤ", "title": "PHÓ BÍ THƯ", "name": "…"},
      "margins_mm": {"top": 20, "bottom": 20, "left": 30, "right": 15},
      "annex": {   # units × status over the periods, with the rates
        "title": "PHỤ LỤC …",
        "columns": ["STT", "Đơn vị", …],
        "rows": [[1, "Đảng bộ xã A", 8, 7, 6, 5, 1, 87.5, 75.0], …],   # rates may be None
        "total": ["", "Tổng cộng", 16, 13, …]
      },
      "matrix": {   # units × tasks, one block of rows per period
        "columns": ["Kỳ báo cáo", "Đơn vị", "1.1", "1.2", …],
        "tasks": [{"code": "1.1", "name": "…"}, …],
        "legend": {"accepted": "Đã tiếp nhận", …},   # cell code -> label; "" = not assigned
        "rows": [["Tháng 9/2021", "Đảng bộ xã A", "accepted", "", "overdue", …], …]
      },
      "indicators": {
        "columns": ["Nhiệm vụ", "Chỉ tiêu", "Đơn vị tính", "Cách tổng hợp", "Kết quả", "Số đơn vị"],
        "rows": [["1.2", "Số tin, bài", "tin", "Cộng dồn các kỳ", 123.0, 12], …]
      },
      "deadlines": {   # only where the directive has tasks with a deadline
        "title": "PHỤ LỤC: NHIỆM VỤ CÓ THỜI HẠN …",
        "sentence": "9 nhiệm vụ được giao; 1 nhiệm vụ đã hoàn thành (đúng hạn 1, …)",
        "columns": ["STT", "Đơn vị", "Được giao", "Hoàn thành đúng hạn", …],
        "rows": [[1, "Sở Xây dựng", 2, 1, 0, 1, 0, 0, 100.0], …],
        "total": ["", "Tổng cộng", …]
      }
    }

A summary across directives (`portfolio.py`) has the same shape: its annex lists the
directives with their tasks with a deadline, and it has no matrix, indicators or
deadlines of its own.
"""
