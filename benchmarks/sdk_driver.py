"""Run by the SDK's own virtual environment: the real ``sutro`` 0.1.67 waits for jobs.

    .sdk-venv/bin/python sdk_driver.py RESULTS.jsonl GAP_S JOB_ID...

One thread per job (the i-th started ``i * GAP_S`` seconds after the first:
0 starts them at once) calls ``so.await_job_completion(job_id,
obtain_results=False)``, as a user with several jobs would; when a wait
returns, a line ``{"job": id, "returned_at": time.time()}`` is appended to
RESULTS.jsonl, and at the end one line with the process's CPU seconds, the
most threads it had and how long ``import sutro`` took. ``SUTRO_API_URL`` and
``SUTRO_API_KEY`` point it at the simulator (the SDK adds ``/v1`` itself).

``import sutro`` asks PyPI for the newest version (``validation.check_version``,
``requests.get(..., timeout=2)``). Only that one call is refused here, before
the import, by a stand-in for ``requests.get`` that raises at once for
``pypi.org`` (the SDK swallows the error); everything else, and every line of
the waiting code, is the SDK's own.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time

import requests

_real_get = requests.get


def _no_pypi(url: str, *args: object, **kwargs: object) -> requests.Response:
    if "pypi.org" in str(url):
        raise requests.ConnectionError("version check skipped by the benchmark")
    return _real_get(url, *args, **kwargs)  # type: ignore[arg-type]


def main() -> None:
    out_path, gap, job_ids = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    requests.get = _no_pypi  # type: ignore[assignment]
    began = time.perf_counter()
    import sutro as so

    import_s = time.perf_counter() - began
    requests.get = _real_get
    lock = threading.Lock()
    most_threads = threading.active_count()

    def wait(job_id: str) -> None:
        nonlocal most_threads
        so.await_job_completion(job_id, obtain_results=False)
        returned = time.time()
        with lock, open(out_path, "a") as out:
            out.write(json.dumps({"job": job_id, "returned_at": returned}) + "\n")

    threads = [threading.Thread(target=wait, args=(job_id,)) for job_id in job_ids]
    first = time.monotonic()
    for index, thread in enumerate(threads):
        time.sleep(max(0.0, first + index * gap - time.monotonic()))
        thread.start()
    while any(t.is_alive() for t in threads):
        most_threads = max(most_threads, threading.active_count())
        time.sleep(0.5)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(out_path, "a") as out:
        summary = {
            "summary": True,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "threads_max": most_threads,
            "import_s": import_s,
        }
        out.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
