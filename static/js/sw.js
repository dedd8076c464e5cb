// Đôn đốc's service worker. Served at /sw.js by config/pwa.py, which writes CONFIG on the
// line above this one: the version, the app shell's URLs, the pages that may be kept
// (RegExps of paths), the sign-in and sign-out paths, how long a kept page may be shown.
// Registered by static/js/offline.js, which also keeps the drafts of report forms.
//
// What is kept, and why that is safe:
// - the app shell (CSS, JS, icons), the same for everyone, in a cache named after the
//   version: a new CSS or JS is a new version, and the old cache is dropped;
// - the unit's work page and its report forms, network first: online, the page always
//   comes from the server (and the copy kept is refreshed); offline, the last copy is shown.
//   These are the signed-in user's own pages, as that user saw them, and nothing is kept
//   across users: the copies are dropped whenever someone signs in or out, whenever the
//   server sends the visitor to the sign-in page (the session ended), and by offline.js
//   when a page says another user is signed in. A copy older than a session can last
//   (SESSION_COOKIE_AGE) is never shown.
// Nothing else is kept or answered from a cache: every other request (every POST, every
// other page, the API, downloads) goes to the network as if there were no worker.

const SHELL_CACHE = `dondoc-shell-${CONFIG.version}`;
const PAGES_CACHE = "dondoc-pages"; // the same name in offline.js
const KEPT_PAGES = CONFIG.pages.map((pattern) => new RegExp(pattern));
const KEPT_AT = "X-Dondoc-Kept-At"; // when the copy was kept (ms), a header of the copy
// Raised each time the kept pages are dropped: a page fetched before that, and put in the
// cache after, would be the previous user's.
let generation = 0;

self.addEventListener("install", (event) => {
  // The whole shell or nothing: a worker that could not keep it is not installed.
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(CONFIG.shell))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // A new version drops the old shell, and the kept pages too: they name the old shell's
  // files (hashed names in production), which are no longer kept.
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("dondoc-") && name !== SHELL_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === CONFIG.login || url.pathname === CONFIG.logout) {
    // Signing in or out, or sent to sign in: the kept pages were the previous session's.
    event.waitUntil(forgetPages());
    return;
  }
  if (request.method !== "GET") return;
  if (CONFIG.shell.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  } else if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  }
});

// offline.js, on the work page, names the report forms linked from it: each not kept yet
// is fetched once, so it opens offline even if it was never opened online.
self.addEventListener("message", (event) => {
  if (Array.isArray(event.data?.keep)) event.waitUntil(keepAhead(event.data.keep));
});

function isKept(path) {
  return KEPT_PAGES.some((pattern) => pattern.test(path));
}

async function navigate(event, url) {
  const kept = isKept(url.pathname) && !url.search;
  const started = generation;
  try {
    const response = await fetch(event.request);
    // A server that fails (a proxy's 502 or 504 on a poor line, the app's 503): as offline.
    if (kept && response.status >= 500) return (await recall(url.pathname)) || response;
    // The page is shown as it arrives; its copy is kept alongside.
    if (kept) event.waitUntil(remember(url.pathname, response.clone(), started));
    return response;
  } catch (error) {
    // No network: the copy kept, else a page that says so.
    return (kept && (await recall(url.pathname))) || offlinePage();
  }
}

async function keepAhead(paths) {
  const started = generation;
  const cache = await caches.open(PAGES_CACHE);
  for (const path of paths.filter(isKept)) {
    if (await cache.match(path, { ignoreVary: true })) continue;
    try {
      // One at a time: the connection may be poor, and the pages are not needed yet.
      const response = await fetch(path, { credentials: "same-origin" });
      if (response.status < 500) await remember(path, response, started);
    } catch (error) {
      return; // offline again: the rest another time
    }
  }
}

// Keeps a copy of the page the server answered with, or drops the old copy when the
// answer is not the page (a redirect: the report was sent meanwhile, or sign in again).
async function remember(path, response, started) {
  const cache = await caches.open(PAGES_CACHE);
  if (!response.ok || response.redirected || response.type !== "basic") {
    await cache.delete(path);
    return;
  }
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT, String(Date.now()));
  const body = await response.blob();
  if (started !== generation) return;
  await cache.put(path, new Response(body, { status: response.status, headers }));
}

async function recall(path) {
  const cache = await caches.open(PAGES_CACHE);
  const copy = await cache.match(path, { ignoreVary: true });
  if (!copy) return null;
  if (Date.now() - Number(copy.headers.get(KEPT_AT)) > CONFIG.maxAgeSeconds * 1000) {
    await cache.delete(path);
    return null;
  }
  return copy;
}

function forgetPages() {
  generation += 1;
  return caches.delete(PAGES_CACHE);
}

function offlinePage() {
  const css = CONFIG.shell.filter((url) => url.endsWith(".css"));
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mất kết nối · Đôn đốc</title>
${css.map((url) => `<link rel="stylesheet" href="${url}">`).join("")}
</head><body><main class="container py-4">
<h1 class="h4">Đang mất kết nối</h1>
<p>Trang này chưa được lưu trên máy nên chưa mở được khi không có mạng. Trang “Việc của
đơn vị” và các báo cáo đã mở trước đó trên máy này vẫn mở được.</p>
<p><a class="btn btn-danger" href="${CONFIG.start}">Việc của đơn vị</a></p>
</main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": "default-src 'self'; style-src 'self'",
    },
  });
}
