"""The house's rules of passage (docs/architecture.md): which room may import which, read
from the code's own imports. A new import against them fails here, not in review."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("periods", "notifications", "filing", "spreadsheets", "reminders", "figures", "summaries")
# What each room of reports/ may import from the others (apps below reports/ apart).
MAY_IMPORT = {
    "periods": set(),
    "notifications": set(),
    "filing": {"periods", "notifications"},
    "spreadsheets": {"periods", "filing"},
    "reminders": {"periods", "notifications", "filing"},
    "figures": {"periods", "filing", "reminders"},
    "summaries": {"periods", "filing", "spreadsheets", "figures"},
}
ABOVE_REPORTS = {"api", "demo", "config", "bench", "reorganisations"}


def _imports(path: Path) -> set[str]:
    """The modules a file imports, relative imports made absolute."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def _sources(folder: str):
    return [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_of_reports_imports_only_the_rooms_below_it(room):
    wrong = set()
    for path in _sources(f"reports/{room}"):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "reports" and len(parts) > 1:
                other = parts[1]
                if other in ROOMS and other != room and other not in MAY_IMPORT[room]:
                    wrong.add(f"{path.relative_to(ROOT)} imports {name}")
                if other in ("tasks", "urls", "admin", "apps"):
                    wrong.add(f"{path.relative_to(ROOT)} imports {name} (the app's top)")
            if parts[0] in ABOVE_REPORTS:
                wrong.add(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(sorted(wrong))


def test_the_working_days_stand_on_nothing_of_ours():
    ours = {"units", "directives", "ops", "reports", "workdays", "accounts", *ABOVE_REPORTS}
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _sources("workdays")
        for name in _imports(path)
        if name.split(".")[0] in ours - {"workdays"}
    }
    assert not wrong, "\n".join(sorted(wrong))


def test_accounts_stand_on_units_and_ops_only():
    """Sign-in and administration sit below the directives: nothing above them, and
    the units and the audit log never reach up to them."""
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _sources("accounts")
        for name in _imports(path)
        if name.split(".")[0] in {"directives", "reports", *ABOVE_REPORTS}
    }
    wrong |= {
        f"{path.relative_to(ROOT)} imports {name}"
        for app in ("units", "ops", "workdays")
        for path in _sources(app)
        for name in _imports(path)
        if name.split(".")[0] == "accounts"
    }
    assert not wrong, "\n".join(sorted(wrong))


@pytest.mark.parametrize("app", ["units", "directives", "ops", "workdays", "accounts"])
def test_the_apps_below_reports_never_import_it(app):
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _sources(app)
        for name in _imports(path)
        if name.split(".")[0] in {"reports", *ABOVE_REPORTS}
    }
    assert not wrong, "\n".join(sorted(wrong))


def test_no_service_imports_the_celery_tasks():
    """Services name the side effects they queue (ops.outbox), so no loop runs through
    the tasks module: only the app's start-up imports it, to register the tasks."""
    importers = {
        str(path.relative_to(ROOT))
        for folder in ("reports", "directives", "ops", "units", "api", "accounts")
        for path in _sources(folder)
        if {"reports.tasks", "ops.tasks", "accounts.tasks"} & _imports(path)
    }
    assert importers == {"reports/apps.py", "accounts/apps.py"}


def test_every_task_the_outbox_is_given_is_registered():
    from config.celery import app

    named = set()
    for folder in ("reports", "directives", "ops", "units", "api", "accounts"):
        for path in _sources(folder):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) == "outbox_add"
                    and node.args
                ):
                    assert isinstance(node.args[0], ast.Constant), f"{path}: name the task"
                    named.add(node.args[0].value)
    assert named == {
        "reports.tasks.notify_report_returned",
        "reports.tasks.make_export",
        "reports.tasks.recount_figures",
        "reports.tasks.remind_owing",
        "accounts.tasks.send_invitation",
    }
    assert named <= set(app.tasks)
