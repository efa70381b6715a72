"""Analysing several files for the app: reuse earlier analyses, and use a second core when there is one.

`analyse_many` returns, for each path, the engine's `AgreementAnalysis` (or the `RedlineError` that
file raised). An analysis made earlier from the same file (same size and modification time, so the
file is read once, by the engine), playbook and party names is reused.
With two or more files still to do, they are shared by size between this thread and the helper
processes (one by default on a machine with two cores or more; `REDLINE_PROCESSES=N` sets how
many, 0 none; spawned, never forked, so Qt is not copied);
if helper processes cannot start (a frozen build without multiprocessing support, a locked-down
machine), everything runs here as before.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections import OrderedDict
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from redline import api
from redline.errors import Cancelled, RedlineError
from redline.model import AgreementAnalysis

Outcome = Union[AgreementAnalysis, RedlineError]

_CACHE: "OrderedDict[tuple, tuple]" = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 32
_POOL = None
_POOL_BROKEN = False
_POOL_LOCK = threading.Lock()


def _signature(path: str) -> Optional[tuple]:
    """Return what tells this file's contents apart without reading it: size and modification time.

    A trade-off for reading each file once: on a file system with coarse timestamps (FAT keeps
    2 s) a file rewritten at the same size within that time is taken as unchanged until the user
    reloads it (F5 reads it again whatever its signature); a reopened review compares hashes."""
    try:
        st = os.stat(path)
    except OSError:
        return None  # the engine reports the unreadable file in its own words
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _key(path: str, signature: Optional[tuple], book, provider, customer) -> tuple:
    return (os.path.abspath(path), signature, id(book), provider, customer)


def _cached(key: tuple, book) -> Optional[AgreementAnalysis]:
    if key[1] is None:
        return None
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is book:
            _CACHE.move_to_end(key)
            return hit[1]
    return None


def _remember(key: tuple, book, item: AgreementAnalysis) -> None:
    if key[1] is None or _signature(key[0]) != key[1]:
        return  # unreadable, or changed while it was being read: keep nothing
    with _CACHE_LOCK:
        _CACHE[key] = (book, item)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


def analyse_one(path: str, book, provider=None, customer=None, progress=None) -> AgreementAnalysis:
    """Return the analysis of one file (reused when the same bytes were analysed before)."""
    key = _key(path, _signature(path), book, provider, customer)
    hit = _cached(key, book)
    if hit is not None:
        return hit
    item = api.analyze_agreement(api.read_agreement(path, progress=progress), book,
                                 provider=provider, customer=customer)
    _remember(key, book, item)
    return item


# -- helper processes ---------------------------------------------------------------------------

_CHILD_BOOKS: Dict[str, object] = {}


def _child_analyse(path: str, playbook_path: str, provider, customer) -> AgreementAnalysis:
    """Run in a helper process: the analysis of one file."""
    book = _CHILD_BOOKS.get(playbook_path)
    if book is None:
        book = _CHILD_BOOKS[playbook_path] = api.load_playbook(playbook_path or None)
    return api.analyze_agreement(api.read_agreement(path), book, provider=provider, customer=customer)


def _child_ready() -> bool:
    return True


def _watch_parent(parent: int) -> None:
    """Run in each helper process: end it when the app that started it is gone.

    An app that is killed (or crashes) never tells its helpers to stop; without this they would
    wait for work for ever, each holding memory."""
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="redline-parent-watch", daemon=True).start()


def helpers() -> int:
    """Return how many helper processes to use: ``REDLINE_PROCESSES``, by default one when the
    machine has a second core (0 turns them off).

    On the 2-core machine the figures were taken on, one helper started with the window brings
    the five samples from about 2.1 s to 1.8 s after launch (`bench/bench_app.py`), for about
    60 MB more memory in the helper.
    """
    if _POOL_BROKEN:
        return 0
    try:
        wanted = int(os.environ.get("REDLINE_PROCESSES", "1") or 0)
    except ValueError:
        return 0
    return max(0, min(wanted, (os.cpu_count() or 1) - 1, 4))


def _pool():
    global _POOL
    with _POOL_LOCK:
        if _POOL is None and helpers():
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            _POOL = ProcessPoolExecutor(max_workers=helpers(), mp_context=mp.get_context("spawn"),
                                        initializer=_watch_parent, initargs=(os.getpid(),))
            atexit.register(shutdown)
        return _POOL


def shutdown() -> None:
    """Stop the helper processes (at exit, before the interpreter tears its modules down)."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def warm_up() -> None:
    """Start the helper processes now, so the first load does not wait for them."""
    global _POOL_BROKEN
    try:
        pool = _pool()
        if pool is not None:
            for _ in range(helpers()):
                pool.submit(_child_ready)
    except Exception:  # noqa: BLE001 - no helpers: everything runs in the app's worker thread
        _POOL_BROKEN = True


def analyse_many(paths: Sequence[str], book, parties: Dict[str, Tuple[str, str]],
                 progress=None, *, fresh: bool = False) -> List[Tuple[str, Outcome]]:
    """Return (path, analysis or error) for each of `paths`, in order; raise `Cancelled` if asked.
    `fresh`: read every file again, reusing nothing (the user asked to reload)."""
    global _POOL_BROKEN
    results: Dict[str, Outcome] = {}
    todo: List[Tuple[str, tuple]] = []
    for path in paths:
        prov, cust = parties.get(path, (None, None))
        key = _key(path, _signature(path), book, prov, cust)
        hit = None if fresh else _cached(key, book)
        if hit is not None:
            results[path] = hit
        else:
            todo.append((path, key))
    done_count = len(results)
    total = len(paths)

    def step(label: str) -> None:
        if progress is not None:
            if progress.cancelled():
                raise Cancelled()
            progress.step(done_count, total, label)

    futures: Dict[Future, Tuple[str, tuple]] = {}
    mine = list(todo)
    if len(todo) >= 2 and helpers():
        try:
            pool = _pool()
            share = _helpers_share(todo, helpers())
            for path, key in share:
                prov, cust = parties.get(path, (None, None))
                futures[pool.submit(_child_analyse, path, getattr(book, "path", "") or "", prov, cust)] = (path, key)
            mine = [t for t in todo if t not in share]
        except Exception:  # noqa: BLE001 - the helpers could not start: do it all here
            _POOL_BROKEN = True
            futures, mine = {}, list(todo)
    try:
        for path, key in mine:
            step(f"Reading {Path(path).name}")
            prov, cust = parties.get(path, (None, None))
            try:
                item = api.analyze_agreement(api.read_agreement(path, progress=progress), book,
                                             provider=prov, customer=cust)
                _remember(key, book, item)
                results[path] = item
            except Cancelled:
                raise
            except RedlineError as exc:
                results[path] = exc
            except Exception as exc:  # noqa: BLE001 - an engine bug on one file spares the others
                results[path] = internal_error(path, exc)
            done_count += 1
        pending = set(futures)
        while pending:
            step("Reading the larger files")
            finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for fut in finished:
                path, key = futures[fut]
                try:
                    item = fut.result()
                    _remember(key, book, item)
                    results[path] = item
                except RedlineError as exc:
                    results[path] = exc
                except Exception:  # noqa: BLE001 - a helper died: analyse that file here instead
                    _POOL_BROKEN = True
                    prov, cust = parties.get(path, (None, None))
                    try:
                        results[path] = analyse_one(path, book, prov, cust, progress)
                    except Cancelled:
                        raise
                    except RedlineError as exc:
                        results[path] = exc
                    except Exception as exc2:  # noqa: BLE001
                        results[path] = internal_error(path, exc2)
                done_count += 1
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    return [(p, results[p]) for p in paths]


def _helpers_share(todo: List[Tuple[str, tuple]], count: int) -> List[Tuple[str, tuple]]:
    """Return the files the helpers take: biggest first, each to whoever has the least to do
    (this thread is one of the workers), so all finish at about the same time."""
    loads = [0] * (count + 1)  # loads[0] is this thread
    share: List[Tuple[str, tuple]] = []
    for item in sorted(todo, key=lambda t: -_size(t[0])):
        who = min(range(count, -1, -1), key=lambda k: loads[k])  # ties go to a helper
        loads[who] += _size(item[0]) + 1
        if who:
            share.append(item)
    if len(share) == len(todo):  # keep one here, so this thread is not idle
        share = share[:-1]
    return share


def internal_error(path: str, exc: BaseException) -> RedlineError:
    """Return an engine failure on one file as a `RedlineError` the window can show."""
    return RedlineError(f"Redline could not analyse this file ({type(exc).__name__}: {exc})", path=path,
                        hint="the other files were loaded; please report this file with the message")


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
