"""Tesseract adapter: read lines of printed text, with word confidences.

The one module that runs the OCR engine. The engine runs in warm child processes
(:mod:`docsec._ocr_engine`: ``python -I -S``, standard library only) that bind
Debian's ``libtesseract.so.5`` with ctypes, load the Korean and English models
once, and serve every request of this process over their pipes (length-prefixed
frames; every read and write waits at most until the call's deadline). The
library is never loaded into the verifier's process: the engine parses pixels an
adversary chose, a crash or a hang there must not take the verifier down, and a
process can be killed on time while a C call cannot. It also needs no compiler at
install time. A late engine is killed, a dead one reaped; the call raises and the
next one starts a fresh engine. The process keeps at most one engine per core it
may use (:func:`cores`), four at most, closed at exit; :func:`prewarm` starts
them early so the model load overlaps other work.

Without the library (or with ``DOCSEC_OCR_ENGINE=subprocess``) each request runs
the ``tesseract`` command instead (packages ``tesseract-ocr`` and
``tesseract-ocr-kor``), in a subprocess with the same deadline, one list file of
images per request. Both paths give the same words, boxes and confidences. One
request reads every field of a page that shares a language and a segmentation
mode; independent requests (the Korean and the English pass) run side by side,
one engine per core.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import logging
import math
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from docsec._types import GrayImage
from docsec.errors import ConfigurationError

__all__ = [
    "LANGUAGES",
    "OcrRequest",
    "OcrWord",
    "available",
    "prewarm",
    "read_lines",
    "read_many",
]

logger = logging.getLogger(__name__)

#: Tesseract languages: Korean and English (Latin letters and digits).
LANGUAGES = "kor+eng"
#: Seconds one OCR call may take before it is killed (the page is then unreadable).
DEFAULT_TIMEOUT = 20.0


@dataclass(frozen=True, slots=True)
class OcrWord:
    """One word Tesseract read: text, confidence 0-100, box ``(x, y, w, h)`` in px."""

    text: str
    conf: float
    box: tuple[int, int, int, int]


def available() -> str | None:
    """Return why OCR cannot run here, or None when Tesseract has our languages.

    With the warm engine, the answer is an engine's own: it loaded libtesseract
    and both languages (waiting for it, once per process: the OCR that follows
    needs it anyway). When it cannot, the ``tesseract`` command is asked.
    """
    if _engine_wanted() is None:
        try:
            _POOL.check(time.monotonic() + DEFAULT_TIMEOUT)
        except _UnavailableError as exc:
            logger.warning("OCR engine unavailable (%s): using tesseract", exc)
        except (OSError, TimeoutError) as exc:
            logger.warning("OCR engine did not start (%s)", exc)
        else:
            return None
    exe = shutil.which("tesseract")
    if exe is None:
        return "the tesseract binary is not installed (apt-get install tesseract-ocr)"
    langs = _languages(exe)
    missing = [lang for lang in LANGUAGES.split("+") if lang not in langs]
    if missing:
        return f"tesseract lacks the language data {missing} (tesseract-ocr-kor)"
    return None


_LANGS: dict[str, frozenset[str]] = {}


def _languages(exe: str) -> frozenset[str]:
    if exe not in _LANGS:
        try:
            out = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [exe, "--list-langs"],
                capture_output=True,
                timeout=10,
                check=False,
            )
            lines = out.stdout.decode("utf-8", "replace").splitlines()
        except (OSError, subprocess.TimeoutExpired):
            lines = []
        _LANGS[exe] = frozenset(line.strip() for line in lines[1:])
    return _LANGS[exe]


@dataclass(frozen=True, slots=True)
class OcrRequest:
    """One engine run: images read with one language list and one segmentation mode."""

    images: list[GrayImage]
    languages: str = LANGUAGES
    single_line: bool = False


def read_lines(
    images: list[GrayImage],
    *,
    languages: str = LANGUAGES,
    timeout: float = DEFAULT_TIMEOUT,
    single_line: bool = False,
) -> list[list[OcrWord]]:
    """Run Tesseract over each image (a block of text lines) and return its words.

    All images go through one engine (a warm engine process, or one ``tesseract``
    process over a list file, one page per image), so the language models load
    once at most; each image is still read on its own, as if it were the only one (stacking them into one page made the engine's line
    and language decisions depend on the neighbours).

    Parameters
    ----------
    images : list of (H, W) uint8 ndarray, gray, 0..255
        Dark text on white.
    languages : str
        Tesseract language list (``"kor"``, ``"eng"``, ``"kor+eng"``): each one
        costs a full recognition pass, so callers pass only what the text needs.
    timeout : float
        Seconds before the engine is killed.
    single_line : bool
        Read each image as one text line (page segmentation mode 7) instead of
        a block of lines (mode 6). Mode 6 found no text at all in some grey,
        tinted views of one-line fields that mode 7 reads.

    Returns
    -------
    list of list of OcrWord
        Per image, its words with their confidence, in reading order.

    Raises
    ------
    ConfigurationError
        Tesseract is missing.
    TimeoutError
        The engine took longer than ``timeout``.
    OSError
        The engine failed.
    """
    (pages,) = read_many([OcrRequest(images, languages, single_line)], timeout=timeout)
    return pages


def read_many(
    requests: Sequence[OcrRequest], *, timeout: float = DEFAULT_TIMEOUT
) -> list[list[list[OcrWord]]]:
    """Run several engine requests side by side; return each one's pages.

    Each request is read by one warm engine process (:class:`_Engine`), or by one
    ``tesseract`` process as :func:`read_lines` describes when libtesseract cannot
    be loaded (or ``DOCSEC_OCR_ENGINE=subprocess``); up to one engine per
    available core runs at a time, each single-threaded (``OMP_THREAD_LIMIT=1``),
    so a page's Korean and English passes cost the slower of the two instead of
    their sum. ``timeout`` bounds the whole call: when it passes, every engine
    still reading is killed (the next call starts fresh ones).

    Raises
    ------
    ConfigurationError
        Tesseract is missing.
    TimeoutError
        The engines took longer than ``timeout`` in all.
    OSError
        An engine failed.
    """
    results: list[list[list[OcrWord]]] = [[] for _ in requests]
    todo = [k for k, r in enumerate(requests) if r.images]
    if not todo:
        if _engine_wanted() is None and shutil.which("tesseract") is None:
            raise ConfigurationError("the tesseract binary is not installed")
        return results
    deadline = time.monotonic() + timeout
    if _engine_wanted() is None:
        try:
            return _POOL.read(requests, todo, deadline, timeout)
        except _UnavailableError as exc:
            logger.warning(
                "OCR engine unavailable (%s): running tesseract instead", exc
            )
    return _read_with_cli(requests, todo, deadline, timeout)


def _read_with_cli(
    requests: Sequence[OcrRequest], todo: list[int], deadline: float, timeout: float
) -> list[list[list[OcrWord]]]:
    """:func:`read_many` with one ``tesseract`` process per request (the fallback)."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise ConfigurationError("the tesseract binary is not installed")
    results: list[list[list[OcrWord]]] = [[] for _ in requests]
    todo = list(todo)
    # One thread per engine: the verify budget is one core per input, and
    # OpenMP threads only add overhead for a few short lines (Tesseract's own
    # advice); independent requests run as parallel processes instead.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    width = max(1, min(len(todo), cores()))
    with tempfile.TemporaryDirectory(prefix="docsec-ocr-") as tmp:
        argvs = {k: _argv(exe, Path(tmp) / f"{k:02d}", requests[k]) for k in todo}
        running: dict[int, subprocess.Popen[bytes]] = {}
        try:
            while todo or running:
                while todo and len(running) < width:
                    k = todo.pop(0)
                    running[k] = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                        argvs[k],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        env=env,
                    )
                k, proc = next(iter(running.items()))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"tesseract took longer than {timeout:g} s")
                try:
                    out, err = proc.communicate(timeout=left)
                except subprocess.TimeoutExpired as exc:
                    raise TimeoutError(
                        f"tesseract took longer than {timeout:g} s"
                    ) from exc
                del running[k]
                if proc.returncode != 0:
                    raise OSError(
                        f"tesseract failed ({proc.returncode}): "
                        + err.decode("utf-8", "replace")[-200:]
                    )
                results[k] = _pages(
                    len(requests[k].images),
                    [_parse_tsv(out.decode("utf-8", "replace"))],
                )
        finally:
            for proc in running.values():
                proc.kill()
                proc.communicate()
    return results


def _pages(count: int, tsvs: list[list[tuple[int, OcrWord]]]) -> list[list[OcrWord]]:
    """Sort parsed TSV words into ``count`` pages by their page number (from 1).

    The CLI prints one TSV for the whole list file (page numbers 1..count); the
    engine one per image (its page number is the image's, too).
    """
    pages: list[list[OcrWord]] = [[] for _ in range(count)]
    for words in tsvs:
        for page, word in words:
            if 1 <= page <= count:
                pages[page - 1].append(word)
    return pages


def cores() -> int:
    """Engines one call may run at once: the cores this process may use.

    A batch worker is given one compute thread (``OMP_NUM_THREADS=1``, see
    ``docsec verify --jobs``): its share is one core, and the other workers use
    the rest, so its engines run one after the other.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    limit = os.environ.get("OMP_NUM_THREADS", "").strip()
    if limit.isdigit() and int(limit) >= 1:
        cores = min(cores, int(limit))
    return max(1, cores)


def _argv(exe: str, folder: Path, request: OcrRequest) -> list[str]:
    """Write the request's images and list file under ``folder``; return the argv."""
    folder.mkdir()
    names = []
    for i, image in enumerate(request.images):
        ok, png = cv2.imencode(".png", image)
        if not ok:  # pragma: no cover - encoding a uint8 array does not fail
            raise OSError("cannot encode the OCR image")
        path = folder / f"{i:04d}.png"
        path.write_bytes(png.tobytes())
        names.append(str(path))
    listing = folder / "pages.txt"
    listing.write_text("\n".join(names) + "\n", encoding="utf-8")
    return [
        exe,
        str(listing),
        "stdout",
        "-l",
        request.languages,
        "--oem",
        "1",
        "--psm",
        "7" if request.single_line else "6",
        "-c",
        "tessedit_do_invert=0",
        "tsv",
    ]


def _parse_tsv(text: str) -> list[tuple[int, OcrWord]]:
    words: list[tuple[int, OcrWord]] = []
    for line in text.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = cols[11].strip()
        if not word:
            continue
        try:
            page = int(cols[1])
            left, top, width, height = (int(v) for v in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        words.append((page, OcrWord(word, conf, (left, top, width, height))))
    return words


# ------------------------------------------------------------------ warm engines

#: The engine's script, run as ``python -I -S`` (standard library only).
_ENGINE_SCRIPT = Path(__file__).with_name("_ocr_engine.py")
#: The library the engine opens: Debian's soname, else what the linker finds.
_LIBRARIES = ("libtesseract.so.5", "tesseract")
#: Languages the engines load at start (printed.py's two passes), shared out
#: between them (:func:`_share`).
_PRELOAD = ("kor", "eng")
#: Largest reply frame read from an engine (bytes): far above a page's TSV.
_MAX_REPLY = 16 * 1024 * 1024
#: Most engines a process keeps (and one call uses): a page sends at most four
#: requests, which the ``tesseract`` command path also runs at most four at a time;
#: each engine holds ~40-60 MB of models.
_MAX_ENGINES = 4
#: The one environment variable that forces the ``tesseract`` command path.
_ENGINE_ENV = "DOCSEC_OCR_ENGINE"


def _engines() -> int:
    """Engines a process keeps and a call uses: one per core, at most four."""
    return min(cores(), _MAX_ENGINES)


class _UnavailableError(Exception):
    """The engine cannot run here (no libtesseract, no language data)."""


def _engine_wanted() -> str | None:
    """Return why the warm engine is not used, or None when it is."""
    if os.environ.get(_ENGINE_ENV, "").strip().lower() == "subprocess":
        return f"{_ENGINE_ENV}=subprocess"
    return _POOL.broken


class _Engine:
    """One engine process (:mod:`docsec._ocr_engine`) and its pipes.

    Every wait is bounded by a deadline (``time.monotonic()`` seconds): a late
    or dead engine is killed and the call raises; the caller then drops it.
    """

    def __init__(self, languages: Sequence[str]) -> None:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [
                sys.executable,
                "-I",
                "-S",
                str(_ENGINE_SCRIPT),
                ":".join(_LIBRARIES),
                *languages,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            bufsize=0,
        )
        stdin, stdout = self.proc.stdin, self.proc.stdout
        if stdin is None or stdout is None:  # pragma: no cover - PIPE was given
            raise OSError("the OCR engine has no pipes")
        self._in = stdin.fileno()
        self._out = stdout.fileno()
        os.set_blocking(self._in, False)
        self.ready = False
        #: Language lists whose models this engine has loaded (or is loading).
        self.loaded = set(languages)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def hello(self, deadline: float) -> None:
        """Wait until the engine has loaded its languages.

        Raises
        ------
        _UnavailableError
            The engine says it cannot run here.
        TimeoutError, OSError
            It took too long or died.
        """
        if self.ready:
            return
        reply = self._reply(deadline)
        if not reply.get("ok"):
            self.kill()
            if reply.get("kind") == "unavailable":
                raise _UnavailableError(str(reply.get("error", "")))
            raise OSError(f"OCR engine failed to start: {reply.get('error')}")
        self.ready = True
        loaded = reply.get("hello")
        if isinstance(loaded, list):
            self.loaded = {str(lang) for lang in loaded}

    def read(self, request: OcrRequest, deadline: float) -> list[list[OcrWord]]:
        """Read one request's images; return each one's words."""
        self.hello(deadline)
        ms = int((deadline - time.monotonic()) * 1000)
        if ms <= 0:
            raise TimeoutError("the OCR deadline passed")
        if any(
            i.ndim != 2 or i.dtype != np.uint8 or not i.size for i in request.images
        ):
            raise ValueError("OCR images are non-empty 2-D uint8 arrays")
        images = [np.ascontiguousarray(image) for image in request.images]
        header = json.dumps(
            {
                "lang": request.languages,
                "psm": 7 if request.single_line else 6,
                "ms": ms,
                "sizes": [list(image.shape[:2]) for image in images],
            }
        ).encode()
        body = [struct.pack(">I", len(header)), header, *(i.tobytes() for i in images)]
        size = sum(len(b) for b in body)
        self._write(struct.pack(">I", size) + b"".join(body), deadline)
        reply = self._reply(deadline)
        if not reply.get("ok"):
            error = str(reply.get("error", ""))
            if reply.get("kind") == "timeout":
                raise TimeoutError(f"the OCR engine passed its deadline: {error}")
            raise OSError(f"the OCR engine failed: {error[-200:]}")
        tsvs = reply.get("tsv")
        if not isinstance(tsvs, list) or len(tsvs) != len(images):
            raise OSError("the OCR engine answered the wrong number of images")
        return _pages(len(images), [_parse_tsv(str(t)) for t in tsvs])

    def _write(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            self._wait(self._in, select.POLLOUT, deadline)
            try:
                n = os.write(self._in, view)
            except BlockingIOError:
                continue
            except OSError as exc:  # EPIPE: the engine is gone
                raise OSError(f"the OCR engine died ({exc})") from exc
            view = view[n:]

    def _reply(self, deadline: float) -> dict[str, object]:
        (size,) = struct.unpack(">I", self._read_exact(4, deadline))
        if size > _MAX_REPLY:
            raise OSError(f"the OCR engine sent a {size}-byte reply")
        try:
            reply = json.loads(self._read_exact(size, deadline).decode("utf-8"))
        except ValueError as exc:
            raise OSError("the OCR engine sent a malformed reply") from exc
        if not isinstance(reply, dict):
            raise OSError("the OCR engine sent a malformed reply")
        return reply

    def _read_exact(self, n: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while n:
            self._wait(self._out, select.POLLIN, deadline)
            chunk = os.read(self._out, min(n, 1 << 20))
            if not chunk:
                code = self.proc.poll()
                raise OSError(f"the OCR engine died (exit status {code})")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    @staticmethod
    def _wait(fd: int, event: int, deadline: float) -> None:
        poller = select.poll()
        poller.register(fd, event)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the OCR engine took too long")
            if poller.poll(max(1, math.ceil(left * 1000))):
                return  # ready, or hung up / error: the read or write says which

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """Kill the engine and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self._reap(5.0)

    def close(self) -> None:
        """End the engine (end of its input), killing it if it lingers."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._reap(5.0)

    def _reap(self, timeout: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=timeout)
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()

    def forget(self) -> None:
        """Close this process's ends of the pipes without touching the engine.

        For a forked child: the engine is its parent's.
        """
        for fd in (self._in, self._out):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.proc.returncode = 0  # not ours to wait for


class _Pool:
    """The process's warm engines: at most :func:`_engines` kept between calls.

    A call takes idle engines (starting new ones when there are too few), reads
    its requests side by side, one thread per engine, and gives back the ones
    that answered; an engine that failed or was late is killed and dropped, so
    the next call starts a fresh one. Thread-safe: concurrent calls (the
    service's threads) take different engines, and may briefly run more than
    :func:`_engines` of them in all.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Engine] = []
        self.busy: set[_Engine] = set()
        #: Why the engine cannot run here (then the ``tesseract`` command is used).
        self.broken: str | None = None
        #: An engine started here and loaded the languages once.
        self.verified = False
        self.pid = os.getpid()
        self.orphans: list[_Engine] = []

    def prewarm(self) -> None:
        """Start engines for the usual languages, if none run yet (no waiting).

        ``min(cores(), 2)`` engines: on one core one engine loads both models; on
        more, one loads ``kor`` and one ``eng``, each in parallel with the other.
        """
        with self.lock:
            self._own()
            width = min(cores(), len(_PRELOAD))
            have = len(self.idle) + len(self.busy)
            for languages in _share(list(_PRELOAD), width)[have:]:
                self.idle.append(_Engine(languages))

    def take(self, languages: Sequence[str], count: int) -> list[_Engine]:
        """Take ``count`` engines for requests in ``languages`` (a list per request).

        Idle engines first, those with the most of ``languages`` loaded first; the
        missing ones are started, ``languages`` shared out between them.
        """
        with self.lock:
            self._own()
            self.idle = [e for e in self.idle if e.alive() or self._drop(e)]
            wanted = set(languages)
            self.idle.sort(key=lambda e: -len(e.loaded & wanted))
            engines = self.idle[:count]
            del self.idle[:count]
            covered = set().union(*(e.loaded for e in engines))
            missing = [lang for lang in dict.fromkeys(languages) if lang not in covered]
            for share in _share(missing or list(wanted), count)[len(engines) :]:
                engines.append(_Engine(share))
            self.busy.update(engines)
            return engines

    def give(self, engines: list[_Engine], good: set[_Engine]) -> None:
        """Take back ``engines``: keep the ``good`` ones, up to :func:`cores` idle."""
        spare: list[_Engine] = []
        with self.lock:
            self.busy.difference_update(engines)
            for engine in engines:
                if engine in good and engine.alive() and len(self.idle) < _engines():
                    self.idle.append(engine)
                else:
                    spare.append(engine)
        for engine in spare:
            if engine in good:
                engine.close()
            else:
                engine.kill()

    @staticmethod
    def _drop(engine: _Engine) -> bool:
        engine.kill()
        return False

    def _own(self) -> None:
        """Forget the engines of the process this one was forked from."""
        if self.pid != os.getpid():
            self.after_fork()

    def after_fork(self) -> None:
        for engine in [*self.idle, *self.busy]:
            engine.forget()
            self.orphans.append(engine)
        self.idle, self.busy = [], set()
        self.pid = os.getpid()
        self.lock = threading.Lock()

    def close(self) -> None:
        """Kill every idle engine and reap it (at exit: nothing to save, no wait)."""
        with self.lock:
            if self.pid != os.getpid():
                return
            idle, self.idle = self.idle, []
        for engine in idle:
            engine.kill()

    def check(self, deadline: float) -> None:
        """Make sure engines here load every language of :data:`_PRELOAD`, once.

        Waits for the prewarmed engines (started if need be), which the OCR that
        follows uses anyway. Raises as :meth:`_Engine.hello` does.
        """
        if self.verified:
            return
        engines = self.take(list(_PRELOAD), min(cores(), len(_PRELOAD)))
        good: set[_Engine] = set()
        try:
            for engine in engines:
                engine.hello(deadline)
                good.add(engine)
        except _UnavailableError as exc:
            good.clear()
            self.broken = f"the OCR engine cannot run: {exc}"
            raise
        finally:
            self.give(engines, good)
            if self.broken:
                self.close()
        if not set(_PRELOAD) <= set().union(*(e.loaded for e in engines)):
            raise OSError("the OCR engines did not load every language")
        self.verified = True

    def pids(self) -> list[int]:
        """Return the engine processes this pool holds (for tests)."""
        with self.lock:
            return [e.pid for e in [*self.idle, *self.busy] if e.alive()]

    def read(
        self,
        requests: Sequence[OcrRequest],
        todo: list[int],
        deadline: float,
        timeout: float,
    ) -> list[list[list[OcrWord]]]:
        """:func:`read_many` on warm engines.

        The requests are cut into units of at most an even share of all the
        images (each image is read on its own, so the cut changes no reading),
        and each engine takes the next unit in a language it has loaded, else
        one no engine of the call has loaded, else any (it then loads that model
        too): the Korean pass of a page, most of its fields, does not wait on one
        engine while the other is idle.
        """
        width = max(1, min(_engines(), sum(len(requests[k].images) for k in todo)))
        share = math.ceil(sum(len(requests[k].images) for k in todo) / width)
        queue = [unit for k in todo for unit in _cut(k, len(requests[k].images), share)]
        parts: dict[tuple[int, int, int], list[list[OcrWord]]] = {}
        engines = self.take(
            [requests[k].languages for k, _lo, _hi in queue], min(len(queue), width)
        )
        errors: list[BaseException] = []
        good: set[_Engine] = set()
        lock = threading.Lock()

        def mine(engine: _Engine) -> tuple[int, int, int] | None:
            """Pop the next unit for ``engine`` (None: none left)."""
            covered = set().union(*(e.loaded for e in engines))
            ranks = [
                0 if lang in engine.loaded else 1 if lang not in covered else 2
                for lang in (requests[k].languages for k, _lo, _hi in queue)
            ]
            if not ranks:
                return None
            return queue.pop(ranks.index(min(ranks)))

        def serve(engine: _Engine) -> None:
            try:
                while True:
                    with lock:
                        unit = None if errors else mine(engine)
                        if unit is None:
                            break
                    k, lo, hi = unit
                    request = requests[k]
                    if (lo, hi) != (0, len(request.images)):
                        request = OcrRequest(
                            request.images[lo:hi],
                            request.languages,
                            request.single_line,
                        )
                    pages = engine.read(request, deadline)
                    with lock:
                        parts[unit] = pages
                        engine.loaded.add(request.languages)
            except BaseException as exc:  # noqa: BLE001 - any failure fails the call
                engine.kill()
                with lock:
                    errors.append(exc)
                return
            with lock:
                good.add(engine)

        threads = [
            threading.Thread(target=serve, args=(e,), daemon=True) for e in engines[1:]
        ]
        for thread in threads:
            thread.start()
        try:
            serve(engines[0])
        finally:
            for thread in threads:
                thread.join()  # every wait inside is bounded by the deadline
            self.give(engines, good)
        if errors:
            for exc in errors:
                if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit
                    raise exc
            unavailable = [e for e in errors if isinstance(e, _UnavailableError)]
            if unavailable:
                self.broken = f"the OCR engine cannot run: {unavailable[0]}"
                self.close()
                raise unavailable[0]
            first = next((e for e in errors if isinstance(e, TimeoutError)), errors[0])
            if isinstance(first, TimeoutError):
                raise TimeoutError(f"OCR took longer than {timeout:g} s") from first
            if isinstance(first, OSError):
                raise first
            raise OSError(f"OCR failed: {first!r}") from first
        results: list[list[list[OcrWord]]] = [[] for _ in requests]
        for k in todo:
            units = sorted(u for u in parts if u[0] == k)
            results[k] = [page for u in units for page in parts[u]]
            if len(results[k]) != len(requests[k].images):  # pragma: no cover
                raise OSError("the OCR engines left images unread")
        return results


_POOL = _Pool()
atexit.register(_POOL.close)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_POOL.after_fork)


def _cut(k: int, count: int, size: int) -> list[tuple[int, int, int]]:
    """Cut request ``k``'s ``count`` images into near-equal units of at most ``size``.

    >>> _cut(0, 11, 7), _cut(1, 3, 7)
    ([(0, 0, 6), (0, 6, 11)], [(1, 0, 3)])
    """
    pieces = max(1, math.ceil(count / max(1, size)))
    bounds = [round(i * count / pieces) for i in range(pieces + 1)]
    return [(k, lo, hi) for lo, hi in itertools.pairwise(bounds)]


def _share(languages: list[str], count: int) -> list[tuple[str, ...]]:
    """Share ``languages`` out between ``count`` engines, one each, in turn.

    One engine gets them all; more engines than languages repeat them.

    >>> _share(["kor", "eng"], 1), _share(["kor", "eng"], 3)
    ([('kor', 'eng')], [('kor',), ('eng',), ('kor',)])
    """
    if count <= 1 or not languages:
        return [tuple(languages)] * max(count, 0)
    return [(languages[i % len(languages)],) for i in range(count)]


def prewarm() -> None:
    """Start the warm OCR engines in the background, without waiting.

    The first OCR of a process otherwise pays the engine's start and model load;
    called as soon as a page will be read, they overlap the decode and the seal
    search. Does nothing when the engine cannot run here (see :func:`available`)
    or is turned off.
    """
    if _engine_wanted() is not None:
        return
    try:
        _POOL.prewarm()
    except OSError:  # pragma: no cover - cannot start a process: read_many says so
        logger.debug("cannot prewarm the OCR engine", exc_info=True)
