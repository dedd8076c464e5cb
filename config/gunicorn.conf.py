"""gunicorn's settings for `make serve`, the Procfile and deploy/dondoc-web.service.

Workers: WEB_CONCURRENCY, else two per core and one more (gunicorn's own advice), each
serving one request at a time (sync). Threads (WEB_THREADS > 1: gthread) were measured
worse here: a request's time is mostly Python, not waiting on PostgreSQL, and a
worker's threads share one interpreter lock, so a dashboard held up the forms of its
worker (make load, 2 cores, 5 workers: filing p95 4.3 s with 4 threads each, 1.2 s
without; docs/reliability.md). One database connection per worker.
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("WEB_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = 60
graceful_timeout = 30
accesslog = "-"
# A worker is replaced after this many requests (with jitter, so not all at once): any
# slow growth of its memory never accumulates.
max_requests = 2_000
max_requests_jitter = 200
