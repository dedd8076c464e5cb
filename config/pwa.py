"""Đôn đốc as an installable app (a progressive web app) for unit staff on a phone: the web
app manifest and the service worker. Both are served at the site's root: a worker only
controls the pages under the folder it is served from, so /static/ would not do.

The worker's code is static/js/sw.js; this module puts above it one line, `CONFIG`: what
it keeps (the app shell's URLs, as `{% static %}` writes them in base.html), which pages it
may keep, and a version drawn from the worker's code and the shell's files, so that any
change to them makes a new worker that phones install on their next visit.
"""

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import path, reverse

THEME = "#9b1c27"  # the navbar's red (static/css/dondoc.css, .navbar-dondoc)
ICONS = {192: "img/icon-192.png", 512: "img/icon-512.png"}
# What every page loads (templates/base.html), kept by the worker for offline use.
SHELL = [
    "bootstrap/css/bootstrap.min.css",
    "css/dondoc.css",
    "django_htmx/htmx-2.min.js",  # what {% htmx_script %} loads
    "js/dondoc.js",
    "js/offline.js",
    "bootstrap/js/bootstrap.bundle.min.js",
    *ICONS.values(),
]
# The pages a unit's staff need with no connection, kept as they last saw them: the
# work page and a period's report form (the form offline.js keeps drafts of).
KEPT_PAGES = [("reports:unit_work", 0), ("reports:file", 2)]
WORKER = settings.BASE_DIR / "static" / "js" / "sw.js"


def manifest(request):
    icons = [
        {"src": static(name), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
        for size, name in ICONS.items()
        # The icon is a full red square with the letters well inside: the same file serves
        # as is ("any") and cut to a circle or a rounded square by the phone ("maskable").
        for purpose in ("any", "maskable")
    ]
    data = {
        "name": "Đôn đốc",
        "short_name": "Đôn đốc",
        "description": "Theo dõi, đôn đốc thực hiện văn bản chỉ đạo: việc của đơn vị, "
        "báo cáo tiến độ.",
        "lang": "vi",
        "dir": "ltr",
        "start_url": reverse("reports:unit_work"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": "#ffffff",
        "icons": icons,
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response


def _kept_pattern(name: str, ids: int) -> str:
    """A URL's pattern for the worker (a JavaScript RegExp): its numbers are any numbers.
    The site's paths hold letters, digits, hyphens and slashes only, none special in one."""
    url = reverse(name, args=[123456789] * ids)
    return "^" + url.replace("123456789", r"\d+") + "$"


def worker_source() -> str:
    """The worker's code, with CONFIG above it."""
    code = WORKER.read_text()
    shell = [static(name) for name in SHELL]
    digest = hashlib.sha256(code.encode())
    for name, url in zip(SHELL, shell, strict=True):
        digest.update(url.encode())
        if found := finders.find(name):
            with open(found, "rb") as file:
                digest.update(file.read())
    config = {
        "version": digest.hexdigest()[:16],
        "shell": shell,
        "pages": [_kept_pattern(name, ids) for name, ids in KEPT_PAGES],
        "start": reverse("reports:unit_work"),
        "login": reverse("login"),
        "logout": reverse("logout"),
        # A kept page is never shown once the session it came from must have ended.
        "maxAgeSeconds": settings.SESSION_COOKIE_AGE,
    }
    return f"const CONFIG = {json.dumps(config, ensure_ascii=False)};\n{code}"


_worker_source_once = functools.cache(worker_source)


def service_worker(request):
    """The worker at /sw.js. `no-cache`: the browser asks each time whether it changed
    (it never keeps a worker's script more than a day anyway). Its scope is the root it
    is served from, so no Service-Worker-Allowed header is needed. Read once per process
    in production; in development, at each request, so a change shows at once."""
    source = worker_source() if settings.DEBUG else _worker_source_once()
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def draw_icons() -> None:
    """Draws static/img/icon-192.png and icon-512.png (committed; run again only to change
    them): `python -c "from config.pwa import draw_icons; draw_icons()"`."""
    from PIL import Image, ImageDraw, ImageFont

    for size, name in ICONS.items():
        image = Image.new("RGB", (size, size), THEME)
        draw = ImageDraw.Draw(image)
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", round(size * 0.36))
        # Centred, within the middle 60 %: what a round mask keeps.
        draw.text((size / 2, size / 2), "Đđ", font=font, fill="white", anchor="mm")
        image.save(settings.BASE_DIR / "static" / name, optimize=True)


urlpatterns = [
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service_worker"),
]
