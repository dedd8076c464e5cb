"""Đôn đốc as an installable app for unit staff (issue 17, item 14): the web app manifest,
its icons, the service worker at the site's root, and base.html pointing to them through
static files only (the Content-Security-Policy allows no inline script)."""

import json
from io import BytesIO

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from PIL import Image

from .test_security import inline_scripts

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    """A static file comes back streamed (WhiteNoise), a view's answer as content."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_manifest_names_the_app_in_vietnamese_and_opens_the_work_page():
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "Đôn đốc"
    assert manifest["short_name"] == "Đôn đốc"
    assert manifest["lang"] == "vi"
    assert manifest["start_url"] == reverse("reports:unit_work") == "/viec-cua-don-vi/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#9b1c27"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_the_manifests_icons_are_pngs_of_the_sizes_it_declares():
    client = Client()
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        image = Image.open(BytesIO(_body(response)))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
    # Committed files under static/img/, not drawn on each request.
    assert finders.find("img/icon-192.png") and finders.find("img/icon-512.png")


def test_the_service_worker_is_served_at_the_root_as_javascript_and_never_stale():
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    # The browser checks for a new worker on each visit: no cache may hold an old one.
    assert "no-cache" in response["Cache-Control"]
    source = response.content.decode()
    assert 'addEventListener("fetch"' in source


def test_every_file_the_worker_keeps_for_offline_is_served():
    """One missing file and the worker never installs (the shell is kept all or nothing)."""
    client = Client()
    first_line = client.get("/sw.js").content.decode().splitlines()[0]
    config = json.loads(first_line.removeprefix("const CONFIG = ").removesuffix(";"))
    assert "/static/css/dondoc.css" in config["shell"]
    assert "/static/js/offline.js" in config["shell"]
    for url in config["shell"]:
        assert client.get(url).status_code == 200, url
    assert config["start"] == "/viec-cua-don-vi/"


def test_the_worker_changes_when_a_file_it_keeps_changes(settings, tmp_path):
    """A new CSS or JS installs a new worker, so no phone keeps an old shell."""
    from config import pwa

    before = pwa.worker_source()
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "dondoc.css").write_text("body { color: red; }")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    finders.get_finder.cache_clear()
    try:
        assert pwa.worker_source() != before
    finally:
        finders.get_finder.cache_clear()


def test_base_links_the_manifest_and_registers_the_worker_from_a_static_file(
    small_directive, reporter_a
):
    client = Client()
    client.force_login(reporter_a)
    html = client.get(reverse("reports:unit_work")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#9b1c27">' in html
    assert 'src="/static/js/offline.js" data-service-worker="/sw.js"' in html
    assert inline_scripts(html) == []
    offline = _body(Client().get("/static/js/offline.js")).decode()
    assert "navigator.serviceWorker.register" in offline


def test_the_report_form_is_marked_for_offline_drafts(small_directive, reporter_a):
    client = Client()
    client.force_login(reporter_a)
    url = reverse("reports:file", args=[small_directive.assignment_a.pk, small_directive.period.pk])
    html = client.get(url).content.decode()
    assert "data-offline-draft" in html
    assert f'<meta name="dondoc-user" content="{reporter_a.pk}">' in html
