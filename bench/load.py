"""Clients for the load and fault runs (bench/loadtest.py, bench/faults.py): unit staff
who open the report form and send their report, slot after slot, a reviewer who returns
some of what is sent, and leadership reading dashboards, all through the HTML pages, with
the browser's cookies and CSRF token, over real HTTP.

Every request is recorded: what it was, its status (None when the connection itself
failed), how long it took and when. A report counts as acknowledged only when the server
answered the sending with the redirect to the report's page.
"""

import dataclasses
import queue
import random
import re
import threading
import time

import requests

PASSWORD = "faults-password-1"
TIMEOUT = 60  # seconds: longer than any queueing the run should cause
RETURN_EVERY = 4  # one report in this many is queued for the reviewer to return
SENT_PAGE = re.compile(r"/bao-cao/(\d+)/$")
VERSION = re.compile(r'name="version" value="(\d+)"')


@dataclasses.dataclass
class Request:
    kind: str
    status: int | None  # None: no answer (refused, reset, timed out)
    seconds: float
    at: float  # seconds since the run started
    clean_503: bool = False  # a 503 with the outage page and a Retry-After
    error: str = ""  # with no answer: what went wrong (the exception, in short)


@dataclasses.dataclass
class Run:
    """What the clients saw."""

    started: float = dataclasses.field(default_factory=time.monotonic)
    calls: list[Request] = dataclasses.field(default_factory=list)
    sent: dict[tuple[int, int], int] = dataclasses.field(default_factory=dict)  # slot: pk
    returned: list[int] = dataclasses.field(default_factory=list)
    to_review: queue.Queue = dataclasses.field(default_factory=queue.Queue)
    stop: threading.Event = dataclasses.field(default_factory=threading.Event)
    failures: list[str] = dataclasses.field(default_factory=list)  # clients that gave up

    def record(
        self, kind: str, started: float, response: requests.Response | None, error: str = ""
    ) -> None:
        status = response.status_code if response is not None else None
        clean = bool(
            status == 503 and response.headers.get("Retry-After") and "gián đoạn" in response.text
        )
        self.calls.append(
            Request(kind, status, time.monotonic() - started, started - self.started, clean, error)
        )


def _closed_unanswered(error: requests.RequestException) -> bool:
    """A request sent on a kept-alive connection that the server closed before any answer
    began: nginx closes its idle connections as it reloads (bench/scaleout.py takes a web
    host out so). A browser sends such a request again at once, as this client does, once,
    for a GET; a timeout or a refused connection is never sent again."""
    return isinstance(error, requests.ConnectionError) and "Connection aborted" in str(error)


class Client(threading.Thread):
    think = 0.0  # seconds a person takes between two clicks (a run sets it; ± half)

    def __init__(self, base_url: str, username: str, run: Run):
        super().__init__(daemon=True)
        self.base_url, self.username, self.run_ = base_url, username, run
        self.http = requests.Session()
        self.random = random.Random(username)

    def run(self) -> None:
        try:
            self.work()
        except Exception as error:  # the run reports it; the other clients go on
            self.run_.failures.append(f"{self.username}: {error}")

    def call(self, kind: str, method: str, path: str, **kwargs) -> requests.Response | None:
        """One request, recorded; None if no answer came."""
        started = time.monotonic()
        if method == "POST":
            kwargs.setdefault("data", {})["csrfmiddlewaretoken"] = self.http.cookies.get(
                "csrftoken", ""
            )
            kwargs["headers"] = {"Referer": self.base_url + path}
        for attempt in (1, 2):
            error = ""
            try:
                response = self.http.request(
                    method, self.base_url + path, allow_redirects=False, timeout=TIMEOUT, **kwargs
                )
            except requests.RequestException as failed:
                response, error = None, f"{type(failed).__name__}: {failed}"[:300]
                if attempt == 1 and method == "GET" and _closed_unanswered(failed):
                    continue
            break
        self.run_.record(kind, started, response, error)
        if self.think:
            self.run_.stop.wait(self.think * self.random.uniform(0.5, 1.5))
        return response

    def pause_if_refused(self, response: requests.Response | None) -> bool:
        """A request that did not go through: wait a moment before trying again."""
        if response is None or response.status_code >= 500:
            time.sleep(1)
            return True
        return False

    def log_in(self) -> bool:
        while not self.run_.stop.is_set():
            if self.pause_if_refused(self.call("login", "GET", "/dang-nhap/")):
                continue
            response = self.call(
                "login",
                "POST",
                "/dang-nhap/",
                data={"username": self.username, "password": PASSWORD},
            )
            if self.pause_if_refused(response):
                continue
            if response.status_code != 302:
                raise RuntimeError(f"{self.username} could not log in: {response.status_code}")
            return True
        return False


class Reporter(Client):
    """Unit staff: for each of the unit's slots, open the form, then send the report."""

    def __init__(self, base_url: str, username: str, slots: list[tuple[int, int]], run: Run):
        super().__init__(base_url, username, run)
        self.slots = slots

    def work(self) -> None:
        if not self.log_in():
            return
        for slot in self.slots:
            while not self.run_.stop.is_set():
                if self.send(slot):
                    break
            if self.run_.stop.is_set():
                return

    def send(self, slot: tuple[int, int]) -> bool:
        """True once the slot is done with (sent, or found sent)."""
        path = f"/bao-cao/nhiem-vu/{slot[0]}/ky/{slot[1]}/"
        form = self.call("form", "GET", path)
        if self.pause_if_refused(form):
            return False
        if form.status_code == 302:
            if not SENT_PAGE.search(form.headers.get("Location", "")):
                raise RuntimeError(f"{self.username}: the form sent to {form.headers}")
            return True  # sent already: the answer to an earlier try was lost
        version = VERSION.search(form.text)
        data = {
            "assessment": "in_progress",
            "percent_done": "60",
            "achievements": f"Đã triển khai nhiệm vụ, kỳ {slot[1]}: tổ chức hội nghị quán triệt.",
            "difficulties": "",
            "proposals": "",
            "version": version.group(1) if version else "0",
            "submit": "1",
        }
        sent = self.call("submit", "POST", path, data=data)
        if self.pause_if_refused(sent):
            return False
        match = SENT_PAGE.search(sent.headers.get("Location", ""))
        if sent.status_code != 302 or not match:
            raise RuntimeError(f"{self.username}: sending {slot} answered {sent.status_code}")
        pk = int(match.group(1))
        self.run_.sent[slot] = pk
        if pk % RETURN_EVERY == 0:
            self.run_.to_review.put(pk)
        return True


class Reviewer(Client):
    """Returns the reports put in its queue, with a reason; the unit is told (outbox)."""

    def work(self) -> None:
        if not self.log_in():
            return
        while not self.run_.stop.is_set():
            try:
                pk = self.run_.to_review.get(timeout=0.5)
            except queue.Empty:
                continue
            while not self.run_.stop.is_set():
                response = self.call(
                    "return",
                    "POST",
                    f"/bao-cao/{pk}/tra-lai/",
                    data={"reason": "Đề nghị bổ sung số liệu cụ thể."},
                )
                if self.pause_if_refused(response):
                    continue
                page = self.call("report", "GET", f"/bao-cao/{pk}/")
                if page is not None and "Đã trả lại báo cáo" in page.text:
                    self.run_.returned.append(pk)
                break


class Leader(Client):
    """Leadership: reads the dashboards of one directive, page after page, as long as the
    run lasts (`pages`: kind → path)."""

    def __init__(self, base_url: str, username: str, pages: dict[str, str], run: Run):
        super().__init__(base_url, username, run)
        self.pages = pages

    def work(self) -> None:
        if not self.log_in():
            return
        while not self.run_.stop.is_set():
            for kind, path in self.pages.items():
                if self.run_.stop.is_set():
                    return
                response = self.call(kind, "GET", path)
                if response is not None and response.status_code != 200:
                    self.pause_if_refused(response)


def load(
    base_url: str,
    reporters: dict[str, list[tuple[int, int]]],
    reviewer: str,
    seconds: float,
    events: list[tuple[float, callable]] = (),
    leaders: list[str] = (),
    pages: dict[str, str] | None = None,
    think: float = 0.0,
) -> Run:
    """Run the clients for `seconds`; `events` are (seconds from start, action) done by
    this thread meanwhile: stopping Redis, restarting PostgreSQL. `leaders` read `pages`
    meanwhile. Each client waits about `think` seconds after each answer (0: none, the
    fault runs' stress)."""
    Client.think = think
    run = Run()
    clients = [Reporter(base_url, name, slots, run) for name, slots in reporters.items()]
    clients.append(Reviewer(base_url, reviewer, run))
    clients += [Leader(base_url, name, pages or {}, run) for name in leaders]
    for client in clients:
        client.start()
    for at, action in sorted(events, key=lambda event: event[0]):
        time.sleep(max(0.0, at - (time.monotonic() - run.started)))
        action()
    time.sleep(max(0.0, seconds - (time.monotonic() - run.started)))
    run.stop.set()
    for client in clients:
        client.join(TIMEOUT + 5)
    return run
