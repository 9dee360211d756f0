"""The OCR engine process: libtesseract through ctypes, serving many requests.

Run by :mod:`docsec._ocr` as ``python -I -S _ocr_engine.py LIBS LANG...``, never
imported by the verifier (it only uses the standard library, so the child
starts in a few milliseconds and loads neither numpy nor docsec). It binds
Debian's ``libtesseract.so.5`` C API (``LIBS``: the library names to try,
``:``-separated), loads each language given on its command line once (one
``TessBaseAPI`` per language list; another list is loaded on first use), then
answers requests until its standard input closes.

Protocol (the parent's pipes; every frame is a 4-byte big-endian length, then
that many bytes):

* engine -> parent, once at start: a JSON reply ``{"ok": true, "hello": ...}``
  when the library and the languages loaded, else ``{"ok": false, "kind":
  "unavailable", "error": ...}`` and the engine exits;
* parent -> engine, a request: a 4-byte header length, a JSON header
  ``{"lang": "kor", "psm": 6, "ms": 1500, "sizes": [[h, w], ...]}``, then the
  images' grey bytes, row by row, one after the other;
* engine -> parent, its reply: ``{"ok": true, "tsv": [text, ...]}`` (Tesseract's
  TSV of each image, as the ``tesseract ... tsv`` command prints it), or
  ``{"ok": false, "kind": "timeout" | "error", "error": ...}``.

Each image is read as the ``tesseract`` command reads one page of a list file
(same engine mode, segmentation mode and variables), within the request's
deadline: ``Recognize`` runs under a monitor that cancels it at the deadline.
The parent kills the process when it is late anyway (the monitor does not cover
page layout analysis), so a hang or a crash here costs one call, never the
verifier.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import struct
import sys
import time

#: Largest request accepted (bytes): far above a page's fields.
MAX_REQUEST = 256 * 1024 * 1024
#: Tesseract's engine mode: LSTM only (``--oem 1``).
OEM_LSTM_ONLY = 1
#: The variables the ``tesseract`` command is given (``-c`` and the ``tsv`` config).
VARIABLES = (("tessedit_do_invert", "0"), ("tessedit_create_tsv", "1"))

_P = ctypes.c_void_p


def _load(names: list[str]) -> ctypes.CDLL:
    """Open the first of ``names`` that loads.

    A name is a file name (``libtesseract.so.5``) or a bare name the linker is
    asked for (``tesseract``).
    """
    for name in names:
        path = name if ".so" in name or "/" in name else ctypes.util.find_library(name)
        if path is None:
            continue
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    raise OSError(f"libtesseract is not installed (tried {', '.join(names)})")


def _bind(lib: ctypes.CDLL) -> None:
    """Declare the C signatures used here."""
    sig: dict[str, tuple[object, list[object]]] = {
        "TessBaseAPICreate": (_P, []),
        "TessBaseAPIDelete": (None, [_P]),
        "TessBaseAPIEnd": (None, [_P]),
        "TessBaseAPIInit2": (
            ctypes.c_int,
            [_P, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int],
        ),
        "TessBaseAPISetVariable": (
            ctypes.c_int,
            [_P, ctypes.c_char_p, ctypes.c_char_p],
        ),
        "TessBaseAPISetPageSegMode": (None, [_P, ctypes.c_int]),
        "TessBaseAPISetImage": (
            None,
            [
                _P,
                ctypes.c_char_p,
                ctypes.c_int,
                ctypes.c_int,
                ctypes.c_int,
                ctypes.c_int,
            ],
        ),
        "TessBaseAPIRecognize": (ctypes.c_int, [_P, _P]),
        "TessBaseAPIGetTsvText": (_P, [_P, ctypes.c_int]),
        "TessBaseAPIClear": (None, [_P]),
        "TessDeleteText": (None, [_P]),
        "TessMonitorCreate": (_P, []),
        "TessMonitorDelete": (None, [_P]),
        "TessMonitorSetDeadlineMSecs": (None, [_P, ctypes.c_int]),
    }
    for name, (restype, argtypes) in sig.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


class Engine:
    """One ``TessBaseAPI`` per language list, loaded once."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        self.apis: dict[str, int] = {}

    def api(self, lang: str) -> int:
        """Return the API for ``lang``, initialised on first use."""
        if lang not in self.apis:
            lib = self.lib
            api = lib.TessBaseAPICreate()
            if not api:
                raise MemoryError("TessBaseAPICreate failed")
            if lib.TessBaseAPIInit2(api, None, lang.encode(), OEM_LSTM_ONLY) != 0:
                lib.TessBaseAPIDelete(api)
                raise LookupError(f"tesseract cannot load the language data {lang!r}")
            for name, value in VARIABLES:
                lib.TessBaseAPISetVariable(api, name.encode(), value.encode())
            self.apis[lang] = api
        return self.apis[lang]

    def read(
        self, lang: str, psm: int, ms: int, images: list[tuple[int, int, bytes]]
    ) -> list[str]:
        """Read each ``(h, w, grey bytes)`` image; return its TSV text."""
        lib = self.lib
        api = self.api(lang)
        lib.TessBaseAPISetPageSegMode(api, psm)
        deadline = time.monotonic() + ms / 1000.0
        out = []
        for page, (h, w, data) in enumerate(images):
            left = min(int((deadline - time.monotonic()) * 1000), 2**31 - 1)
            if left <= 0:
                raise TimeoutError("deadline passed")
            monitor = lib.TessMonitorCreate()
            try:
                lib.TessMonitorSetDeadlineMSecs(monitor, left)
                lib.TessBaseAPISetImage(api, data, w, h, 1, w)
                failed = lib.TessBaseAPIRecognize(api, monitor) != 0
                if time.monotonic() >= deadline:
                    raise TimeoutError("deadline passed")
                if failed:
                    raise RuntimeError("recognition failed")
                text = lib.TessBaseAPIGetTsvText(api, page)
                if not text:
                    raise RuntimeError("no TSV output")
                try:
                    out.append(ctypes.string_at(text).decode("utf-8", "replace"))
                finally:
                    lib.TessDeleteText(text)
            finally:
                lib.TessBaseAPIClear(api)
                lib.TessMonitorDelete(monitor)
        return out

    def close(self) -> None:
        for api in self.apis.values():
            self.lib.TessBaseAPIEnd(api)
            self.lib.TessBaseAPIDelete(api)
        self.apis.clear()


def _read_exact(fd: int, n: int) -> bytes | None:
    """Read ``n`` bytes from ``fd``; None at end of input."""
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _send(fd: int, reply: dict[str, object]) -> None:
    data = json.dumps(reply).encode()
    data = struct.pack(">I", len(data)) + data
    while data:
        data = data[os.write(fd, data) :]


def _request(fd: int) -> tuple[dict[str, object], bytes] | None:
    """Read one request frame; None at end of input."""
    head = _read_exact(fd, 4)
    if head is None:
        return None
    (size,) = struct.unpack(">I", head)
    if not 4 <= size <= MAX_REQUEST:
        raise ValueError(f"bad request size {size}")
    body = _read_exact(fd, size)
    if body is None:
        return None
    (hsize,) = struct.unpack(">I", body[:4])
    if hsize > size - 4:
        raise ValueError("bad header size")
    header = json.loads(body[4 : 4 + hsize].decode())
    if not isinstance(header, dict):
        raise TypeError("bad header")
    return header, body[4 + hsize :]


def _images(header: dict[str, object], data: bytes) -> list[tuple[int, int, bytes]]:
    sizes = header.get("sizes")
    if not isinstance(sizes, list):
        raise TypeError("bad sizes")
    images, at = [], 0
    for h, w in sizes:
        h, w = int(h), int(w)
        if h <= 0 or w <= 0 or at + h * w > len(data):
            raise ValueError("bad image size")
        images.append((h, w, data[at : at + h * w]))
        at += h * w
    if at != len(data):
        raise ValueError("image bytes do not match the sizes")
    return images


def _answer(engine: Engine, header: dict[str, object], data: bytes) -> list[str]:
    lang, psm, ms = header["lang"], header["psm"], header["ms"]
    if not isinstance(lang, str) or not isinstance(ms, int) or psm not in (6, 7):
        raise TypeError("bad request header")
    return engine.read(lang, int(psm), ms, _images(header, data))


def main(argv: list[str]) -> int:
    # The protocol gets its own copy of stdout; the library's own prints (to
    # stdout or stderr) go where stderr goes, so they cannot corrupt a frame.
    out = os.dup(1)
    os.dup2(2, 1)
    fd_in = 0
    try:
        lib = _load(argv[0].split(":"))
        _bind(lib)
        engine = Engine(lib)
        for lang in argv[1:]:
            engine.api(lang)
    except (OSError, AttributeError, LookupError, MemoryError) as exc:
        _send(out, {"ok": False, "kind": "unavailable", "error": str(exc)})
        return 1
    _send(out, {"ok": True, "hello": sorted(engine.apis)})
    while True:
        request = _request(fd_in)
        if request is None:
            break
        header, data = request
        try:
            tsv = _answer(engine, header, data)
        except TimeoutError as exc:
            _send(out, {"ok": False, "kind": "timeout", "error": str(exc)})
        except (
            ValueError,
            KeyError,
            TypeError,
            LookupError,
            RuntimeError,
            MemoryError,
        ) as exc:
            _send(
                out,
                {"ok": False, "kind": "error", "error": f"{type(exc).__name__}: {exc}"},
            )
        else:
            _send(out, {"ok": True, "tsv": tsv})
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
