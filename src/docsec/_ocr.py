"""Tesseract adapter: read lines of printed text, with word confidences.

The one module that runs the OCR engine. It calls the ``tesseract`` binary (Debian
packages ``tesseract-ocr`` and ``tesseract-ocr-kor``) in a subprocess, once per
page, with a hard timeout, rather than loading libtesseract into the verifier's
process through a binding: the engine parses pixels that an adversary chose, a
crash or a hang there must not take the verifier down, and a subprocess can be
killed on time while a C call cannot. It also needs no compiler at install time.
One call reads every field (a list of images, one per field), so the language
models load once per page; independent calls (the Korean and the English pass)
run side by side, one process per core.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2

from docsec._types import GrayImage
from docsec.errors import ConfigurationError

__all__ = ["LANGUAGES", "OcrRequest", "OcrWord", "available", "read_lines", "read_many"]

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
    """Return why OCR cannot run here, or None when ``tesseract`` has our languages."""
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

    All images go through one engine process (a list file, one page per image),
    so the language models load once; each image is still read on its own, as
    if it were the only one (stacking them into one page made the engine's line
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

    Each request is one ``tesseract`` process as :func:`read_lines` runs it; up
    to one process per available core runs at a time, each single-threaded
    (``OMP_THREAD_LIMIT=1``), so a page's Korean and English passes cost the
    slower of the two instead of their sum. ``timeout`` bounds the whole call:
    when it passes, every process still running is killed.

    Raises
    ------
    ConfigurationError
        Tesseract is missing.
    TimeoutError
        The engines took longer than ``timeout`` in all.
    OSError
        An engine failed.
    """
    exe = shutil.which("tesseract")
    if exe is None:
        raise ConfigurationError("the tesseract binary is not installed")
    results: list[list[list[OcrWord]]] = [[] for _ in requests]
    todo = [k for k, r in enumerate(requests) if r.images]
    if not todo:
        return results
    # One thread per engine: the verify budget is one core per input, and
    # OpenMP threads only add overhead for a few short lines (Tesseract's own
    # advice); independent requests run as parallel processes instead.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    width = max(1, min(len(todo), _cores()))
    deadline = time.monotonic() + timeout
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
                pages: list[list[OcrWord]] = [[] for _ in requests[k].images]
                for page, word in _parse_tsv(out.decode("utf-8", "replace")):
                    if 1 <= page <= len(pages):
                        pages[page - 1].append(word)
                results[k] = pages
        finally:
            for proc in running.values():
                proc.kill()
                proc.communicate()
    return results


def _cores() -> int:
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
