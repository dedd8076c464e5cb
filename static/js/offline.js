// Đôn đốc for unit staff on a poor connection (issue 17, item 14), on every page
// (templates/base.html). No inline script (the Content-Security-Policy), so it is bound
// by data attributes:
//   <script data-service-worker="/sw.js">  this file: registers the service worker
//       (static/js/sw.js), which keeps the app and the unit's pages for offline use;
//   <meta name="dondoc-user">  who is signed in: drafts and kept pages are each user's own;
//   <form data-offline-draft>  a report form: what cannot reach the server is kept on the
//       device as a draft and sent when the connection returns;
//   [data-offline-notice]  where the form says so;
//   [data-offline-drafts]  where the work page lists the drafts still on the device;
//   [data-offline-keep]  links (report forms) the worker fetches ahead, to open offline.
//
// A draft is kept in localStorage under "dondoc:draft:<user>:<path>": the form's fields as
// the form posts them (the hidden version too, so the server still refuses a save over a
// newer report, code "stale"), and its texts and title, to list it. It is posted to the
// form's own URL, form-encoded, with the session's cookies, as the form itself would be.
(() => {
  "use strict";
  const PAGES_CACHE = "dondoc-pages"; // the pages the worker keeps (sw.js)
  const OFFLINE = "Đang mất kết nối: bản nháp được giữ trên máy và sẽ gửi khi có mạng.";
  const SENDING = "Đang gửi bản nháp đã giữ trên máy…";
  const NOT_SENT = "Báo cáo chưa được gửi đi: khi có mạng, kiểm tra lại rồi bấm “Gửi báo cáo”.";
  const SERVER_FAILED =
    "Hệ thống chưa nhận được bản nháp (máy chủ đang gặp sự cố): bản nháp được giữ trên máy " +
    "và sẽ gửi lại sau.";
  const NOT_KEPT =
    "Không giữ được bản nháp trên máy (bộ nhớ đầy hoặc bị chặn): đừng đóng trang này, " +
    "bấm “Lưu nháp” lại khi có mạng.";
  const script = document.currentScript;
  const user = document.querySelector('meta[name="dondoc-user"]')?.content || "";
  const form = document.querySelector("form[data-offline-draft]");
  let sending = false;

  // -- Drafts on the device ---------------------------------------------------------------

  const prefix = `dondoc:draft:${user}:`;

  function read(path) {
    try {
      return JSON.parse(localStorage.getItem(prefix + path));
    } catch (error) {
      return null;
    }
  }

  function drafts() {
    try {
      return Object.keys(localStorage)
        .filter((key) => key.startsWith(prefix))
        .map((key) => JSON.parse(localStorage.getItem(key)));
    } catch (error) {
      return [];
    }
  }

  function forget(path) {
    try {
      localStorage.removeItem(prefix + path);
    } catch (error) {
      // nothing was kept
    }
  }

  function store(draft) {
    try {
      localStorage.setItem(prefix + draft.path, JSON.stringify(draft));
      return true;
    } catch (error) {
      return false;
    }
  }

  // Keeps what the form holds; false if the device would not (storage full or blocked).
  function keep(fields, refused = false) {
    const heading = ["h1", ".breadcrumb-item.active"].map((s) => document.querySelector(s));
    return store({
      path: location.pathname,
      title: heading.filter(Boolean).map((e) => e.textContent.trim()).join(" · "),
      // Sent again as "Lưu nháp": sending a report to the reviewers is the user's own act,
      // done online, once the saved draft is seen.
      fields: [...fields.filter(([name]) => name !== "save" && name !== "submit"), ["save", ""]],
      // What was typed, shown on the work page if the draft cannot be saved.
      texts: Array.from(form.querySelectorAll("textarea"), (field) => [
        (field.labels[0]?.textContent || field.name).replace(/\*\s*$/, "").trim(),
        field.value,
      ]).filter(([, text]) => text.trim()),
      at: Date.now(),
      refused,
    });
  }

  // -- Posting ----------------------------------------------------------------------------

  // Django checks the posted csrfmiddlewaretoken against the secret in its csrftoken cookie
  // (CSRF_USE_SESSIONS and CSRF_COOKIE_HTTPONLY are off, config/settings.py). The token
  // kept with the draft matches that secret until the cookie changes, which signing in
  // again does; the cookie's value (the secret itself, which Django also accepts) always
  // matches. So the cookie's value is sent when it can be read, the kept token otherwise.
  function withCurrentToken(fields) {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (!cookie) return fields;
    const token = decodeURIComponent(cookie.slice("csrftoken=".length));
    return fields.map(([name, value]) => [name, name === "csrfmiddlewaretoken" ? token : value]);
  }

  function post(path, fields) {
    return fetch(path, {
      method: "POST",
      body: new URLSearchParams(withCurrentToken(fields)),
      credentials: "same-origin",
    });
  }

  function formFields(submitter) {
    const fields = Array.from(new FormData(form), ([name, value]) => [name, String(value)]);
    if (submitter?.name) fields.push([submitter.name, submitter.value]);
    return fields;
  }

  // The server's answer in place of this page, as the browser shows it after posting the
  // form itself: the saved draft, the sent report, or the form again with what was typed
  // and, beside it, the newer report someone else saved ([data-saved-by-someone-else]).
  async function show(response) {
    const html = await response.text();
    history.replaceState(null, "", response.url);
    document.open();
    document.write(html);
    document.close();
  }

  function notify(text) {
    let box = document.querySelector("[data-offline-notice]");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "status");
      box.dataset.offlineNotice = "";
      form.before(box);
    }
    box.className = "alert alert-warning mt-3";
    box.textContent = text;
  }

  // Posts the form with fetch rather than letting the browser do it: a post that cannot
  // reach the server then loses nothing.
  async function submit(fields) {
    const sent = fields.some(([name]) => name === "submit");
    if (!navigator.onLine) {
      notify(keep(fields) ? (sent ? `${OFFLINE} ${NOT_SENT}` : OFFLINE) : NOT_KEPT);
      return;
    }
    const buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach((button) => (button.disabled = true));
    let response;
    try {
      response = await post(location.pathname, fields);
    } catch (error) {
      // Online by the browser's account, yet the server was not reached.
      buttons.forEach((button) => (button.disabled = false));
      notify(keep(fields) ? (sent ? `${OFFLINE} ${NOT_SENT}` : OFFLINE) : NOT_KEPT);
      return;
    }
    if (response.status >= 500) {
      // Reached, but it failed (the app's 503 while its database is away, a proxy's 502):
      // nothing was saved; the form stays as typed and the draft is sent again later.
      buttons.forEach((button) => (button.disabled = false));
      notify(keep(fields) ? (sent ? `${SERVER_FAILED} ${NOT_SENT}` : SERVER_FAILED) : NOT_KEPT);
      return;
    }
    if (new URL(response.url).searchParams.has("next")) {
      // Sent to sign in again (the session ended) or to the second factor: the draft waits
      // on the device and goes once the user is back on this form.
      keep(fields);
      location.assign(response.url);
      return;
    }
    // Settled: the server kept the text (the form again, saved or with its errors or the
    // newer report beside it) or the user sent the report. Otherwise (refused, or the
    // report no longer open to changes) the draft stays on the device, listed on the work
    // page, and the server's page is shown as it would have been.
    const settled = response.ok && (new URL(response.url).pathname === location.pathname || sent);
    if (settled) forget(location.pathname);
    else keep(fields, true);
    await show(response);
  }

  if (form) {
    document.addEventListener("submit", (event) => {
      if (event.target !== form || event.defaultPrevented) return;
      event.preventDefault();
      submit(formFields(event.submitter));
    });
  }

  // -- Sending what was kept, once the connection returns ---------------------------------

  // Several pages (tabs) hear "online" at once: one at a time sends, each reading the drafts
  // once it may, so none is sent twice. (Without Web Locks, an old browser, each sends.)
  function exclusively(task) {
    return navigator.locks ? navigator.locks.request("dondoc:drafts", task) : task();
  }

  // This page's draft (the form as it is now, which holds the draft and whatever was typed
  // since) is posted and the answer shown; the others are posted quietly, and forgotten
  // once saved. One the server did not take is left for its form: opening it posts the
  // draft again and shows why.
  async function sendKept() {
    if (!user || sending || !navigator.onLine) return;
    sending = true;
    let saved = 0;
    try {
      await exclusively(async () => {
        for (const draft of drafts()) {
          if (form && draft.path === location.pathname) {
            await submit(formFields({ name: "save", value: "" }));
            return;
          }
          if (draft.refused) continue;
          const response = await post(draft.path, draft.fields);
          const answer = new URL(response.url);
          if (response.ok && response.redirected && answer.pathname === draft.path) {
            forget(draft.path); // saved: the form's own page again, after the save
            saved += 1;
          } else if (response.ok && !answer.searchParams.has("next")) {
            store({ ...draft, refused: true });
          }
        }
      });
    } catch (error) {
      // offline again: the rest wait for the next time
    } finally {
      sending = false;
      listDrafts(saved);
    }
  }

  // -- The work page: drafts still on the device ------------------------------------------

  function element(tag, properties, ...children) {
    const node = Object.assign(document.createElement(tag), properties);
    node.append(...children);
    return node;
  }

  function listDrafts(saved = 0) {
    const box = document.querySelector("[data-offline-drafts]");
    if (!box) return;
    const list = drafts();
    box.hidden = !list.length && !saved;
    box.classList.toggle("alert-warning", list.length > 0);
    box.classList.toggle("alert-success", !list.length);
    box.replaceChildren(
      saved ? element("p", {}, `Đã lưu lên hệ thống ${saved} bản nháp giữ trên máy.`) : "",
      list.length
        ? element("h2", { className: "h6" }, "Bản nháp còn giữ trên máy này, chưa lưu lên hệ thống")
        : "",
      element(
        "ul",
        { className: "list-unstyled mb-0" },
        ...list.map((draft) => {
          const discard = element(
            "button",
            { type: "button", className: "btn btn-sm btn-outline-secondary ms-2" },
            "Bỏ bản nháp",
          );
          discard.dataset.discardDraft = draft.path;
          discard.dataset.confirm = "Bỏ bản nháp này? Nội dung đã nhập sẽ mất.";
          return element(
            "li",
            { className: "mb-2" },
            element("a", { href: draft.path }, draft.title),
            ` · ${new Date(draft.at).toLocaleString("vi-VN")}`,
            draft.refused ? " · hệ thống chưa nhận: mở báo cáo để xem lý do" : "",
            discard,
            element(
              "details",
              {},
              element("summary", { className: "small" }, "Nội dung đã nhập"),
              ...draft.texts.map(([label, text]) => {
                const line = element("div", { className: "small report-text" }, `: ${text}`);
                line.prepend(element("em", {}, label));
                return line;
              }),
            ),
          );
        }),
      ),
    );
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-discard-draft]");
    // dondoc.js asked first (data-confirm) and cancels the click if the user said no.
    if (!button || event.defaultPrevented) return;
    forget(button.dataset.discardDraft);
    listDrafts();
  });

  // -- On each page -----------------------------------------------------------------------

  // The pages the worker kept are one user's: when another user signs in on this device,
  // they go (the worker also drops them on every sign-in and sign-out).
  try {
    const before = localStorage.getItem("dondoc:user");
    if (user && before !== user) {
      if (before && "caches" in window) caches.delete(PAGES_CACHE);
      localStorage.setItem("dondoc:user", user);
    }
  } catch (error) {
    // no storage: nothing kept either
  }

  // A draft of this form kept earlier is put back into it, so what was typed shows even on
  // a page the worker kept from before; the version stays the draft's.
  const kept = form && read(location.pathname);
  if (kept) {
    for (const [name, value] of kept.fields) {
      if (["csrfmiddlewaretoken", "save", "submit"].includes(name)) continue;
      const field = form.elements.namedItem(name);
      if (field && "value" in field) field.value = value;
    }
    notify(navigator.onLine ? SENDING : OFFLINE);
  }
  listDrafts();
  sendKept();
  // A property, not a listener: a page drawn again from the server's answer (show) runs
  // this file again, and must not send twice.
  window.ononline = sendKept;

  const worker = script?.dataset.serviceWorker;
  if (worker && "serviceWorker" in navigator) {
    window.addEventListener("load", () => {
      navigator.serviceWorker.register(worker)
        .then(() => navigator.serviceWorker.ready)
        .then((registration) => {
          const links = document.querySelectorAll("[data-offline-keep] a[href]");
          const paths = Array.from(links, (link) => new URL(link.href).pathname);
          if (paths.length && navigator.onLine) registration.active?.postMessage({ keep: paths });
        })
        .catch(() => {
          // No worker (a private window, an old browser): the site works as before.
        });
    });
  }
})();
