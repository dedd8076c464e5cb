"""Every page speaks Vietnamese: the Django admin (whose Vietnamese catalogue leaves words
in English; locale/vi fills them in), the 404 page with DEBUG on, and the compiled
catalogues in step with their sources."""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from .conftest import login
from .factories import UserFactory

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"
# What the admin showed in English before locale/vi (issue 17).
ENGLISH = [
    "Skip to main content",
    "Toggle theme",
    "Model name",
    "Add link",
    "Change or view list link",
    "Breadcrumbs",
    "Sidebar",
    "Filter navigation items",
    "Show counts",
]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogue_holds_every_translation_of_its_source(domain):
    source = polib.pofile(str(LOCALE / f"{domain}.po"))
    with open(LOCALE / f"{domain}.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in source:
        if entry.msgid_plural:
            assert catalogue.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert catalogue.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert catalogue.gettext(entry.msgid) == entry.msgstr, "make messages"


def _visible(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    attributes = " ".join(re.findall(r'(?:title|aria-label)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + attributes


def test_the_admin_speaks_vietnamese(client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    pages = [
        reverse("admin:index"),
        reverse("admin:units_unit_changelist"),
        reverse("admin:auth_user_add"),
    ]
    text = " ".join(_visible(client.get(page).content.decode()) for page in pages)

    assert [word for word in ENGLISH if word in text] == []
    assert "Chuyển đến nội dung chính" in text
    assert "Đổi giao diện" in text


@pytest.mark.parametrize("path", ["/khong-co-trang-nay/", "/bao-cao/999999/"])
def test_a_missing_page_is_the_sites_own_with_debug_on_too(path, settings, reporter_a):
    settings.DEBUG = True
    response = login(reporter_a).get(path)

    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page
    assert "Page not found" not in page and "URLconf" not in page
