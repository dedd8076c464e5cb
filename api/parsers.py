"""Where the API's JSON bodies enter: each string cleaned as the pages' form data is
(units.text), and a body nested deeper than any request needs refused with a 400."""

import json

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from units.text import TooDeep, clean_data

# No body the API takes nests more than a few levels (a statistics document, the
# deepest, about five); Python's own parser gives up near a thousand.
MAX_DEPTH = 64
TOO_DEEP = _("Dữ liệu JSON lồng nhau quá sâu (tối đa %(max)d cấp mảng, đối tượng).")
NOT_JSON = _("Nội dung gửi lên không phải JSON hợp lệ.")
NOT_JSON_AT = _("Nội dung gửi lên không phải JSON hợp lệ (dòng %(line)d, cột %(column)d).")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP % {"max": MAX_DEPTH}) from None
        except ParseError as error:
            # Python's reason is English; where it failed is said in Vietnamese.
            where = error.__context__
            if isinstance(where, json.JSONDecodeError):
                raise ParseError(
                    NOT_JSON_AT % {"line": where.lineno, "column": where.colno}
                ) from None
            raise ParseError(NOT_JSON) from None
        try:
            return clean_data(data, max_depth=MAX_DEPTH)
        except TooDeep:
            raise ParseError(TOO_DEEP % {"max": MAX_DEPTH}) from None
