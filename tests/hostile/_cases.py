"""The hostile inputs, each with the answer ``docsec verify`` must give and a memory ceiling.

Shared by tests/hostile/test_memory.py and benchmarks/bench_hostile.py; kept free of
pytest. :func:`make_world` issues genuine inputs dated today; :data:`CASES` builds
each hostile input from them; :func:`run_forked` verifies inputs in forked children
of one warmed-up process and reports each child's peak RSS (``ru_maxrss`` from
``wait4``) and exit code.
"""

from __future__ import annotations

import io
import json
import os
import resource
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.hostile import _build

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "data" / "family-relation.json"
MB = 1024 * 1024


@dataclass(frozen=True)
class World:
    """A demo PKI and genuine inputs issued with it today (valid for 90 days)."""

    dir: Path
    trust_dir: Path
    seal_bytes: bytes
    seal_png: Path
    pdf: Path


def certificate_data() -> dict[str, object]:
    """Return the sample certificate, issued today and valid for 90 days."""
    from docsec.seal import load_certificate_data

    today = datetime.now(UTC).date()
    data = load_certificate_data(SAMPLE.read_bytes())
    data.pop("valid_for", None)  # the sample says "valid for 3 months"
    data["issue_date"] = today.isoformat()
    data["valid_until"] = (today + timedelta(days=90)).isoformat()
    return data


def make_world(directory: Path) -> World:
    """Write a demo world and a genuine seal image and issued PDF into ``directory``."""
    from docsec import barcode, demo, imaging, keys, trust
    from docsec.issuing import issue, issue_seal

    world = demo.write_demo_world(directory / "world")
    key = keys.load_private_key(world.issuer_key, passphrase=None)
    cert = trust.load_certificate(world.issuer_cert)
    data = certificate_data()
    seal = issue_seal(data, key=key, cert=cert)
    png = directory / "seal.png"
    imaging.write_image(
        png, barcode.render_raster(barcode.encode(seal), module_px=4), dpi=600
    )
    pdf = directory / "issued.pdf"
    # With the copy-detection pattern and the watermark, as docsec issues by default.
    pdf.write_bytes(
        issue(
            data,
            key=key,
            cert=cert,
            cdp_key=keys.load_secret_key(world.cdp_key),
            watermark_key=keys.load_secret_key(world.watermark_key),
        )
    )
    return World(directory, world.trust_dir, seal, png, pdf)


@dataclass(frozen=True)
class Case:
    """One hostile input and what ``docsec verify`` must answer.

    Attributes
    ----------
    name, kind : str
        The case and its class (for the benchmark's table).
    build : callable
        ``build(world, directory) -> Path``: writes the input, returns its path.
    exit_code : int
        The exit code it must get.
    expect : str
        Text the output must contain (a reason code or the error's words).
    ceiling_mb : int
        Peak RSS it may reach (MiB).
    args : tuple of str
        Options given to ``docsec verify`` besides the input and the trust store.
    """

    name: str
    kind: str
    build: Callable[[World, Path], Path]
    exit_code: int
    expect: str
    ceiling_mb: int
    args: tuple[str, ...] = ()


def _write(name: str, data: Callable[[], bytes]) -> Callable[[World, Path], Path]:
    def build(world: World, directory: Path) -> Path:
        path = directory / name
        path.write_bytes(data())
        return path

    return build


def _truncated(
    source: str, fraction: float, name: str
) -> Callable[[World, Path], Path]:
    def build(world: World, directory: Path) -> Path:
        data = (world.pdf if source == "pdf" else world.seal_png).read_bytes()
        path = directory / name
        path.write_bytes(data[: int(len(data) * fraction)])
        return path

    return build


def _encrypted(user: str, name: str) -> Callable[[World, Path], Path]:
    def build(world: World, directory: Path) -> Path:
        import pikepdf

        path = directory / name
        with pikepdf.open(world.pdf) as doc:
            doc.save(path, encryption=pikepdf.Encryption(user=user, owner="owner"))
        return path

    return build


def _fifo(world: World, directory: Path) -> Path:
    path = directory / "scan.png"
    os.mkfifo(path)
    return path


def _device(world: World, directory: Path) -> Path:
    return Path("/dev/zero")


def _socket(world: World, directory: Path) -> Path:
    # A bound AF_UNIX socket file; closed at once, the file stays. Its path must
    # be short (108 bytes on Linux).
    path = directory / "s.png"
    if len(str(path)) > 100:
        path = Path(tempfile.mkdtemp(prefix="dsh")) / "s.png"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
    return path


def _mutated_png(world: World, directory: Path) -> Path:
    # A seal whose signed payload differs in one byte, rendered as a clean symbol:
    # it reads perfectly and must fail on the signature.
    from docsec import barcode, imaging

    bad = bytearray(world.seal_bytes)
    bad[20] ^= 0x01
    path = directory / "mutated.png"
    imaging.write_image(
        path, barcode.render_raster(barcode.encode(bytes(bad)), module_px=4), dpi=600
    )
    return path


_S = 13000  # 169 Mpx: within the 200 Mpx limit, far beyond any real scan's memory
#: Headroom over the measured peaks (process ~110 MB, plus pixels) for other
#: library versions; the targets are 600 MB for any input up to the pixel limit.
_REFUSED = 250
_WORKED = 600

CASES: tuple[Case, ...] = (
    Case("png-16bit-13000", "image: 16-bit", _write("g16.png", lambda: _build.png(_S, _S, bit_depth=16)), 4, "no-seal", _WORKED),
    Case("png-rgb16-13000", "image: 16-bit", _write("c16.png", lambda: _build.png(_S, _S, bit_depth=16, colour_type=2)), 4, "no-seal", _WORKED),
    Case("png-palette-13000", "image: palette", _write("pal.png", lambda: _build.png(_S, _S, colour_type=3)), 4, "no-seal", _WORKED),
    Case("png-rgba-13000", "image: RGBA", _write("rgba.png", lambda: _build.png(_S, _S, colour_type=6)), 4, "memory budget", _REFUSED),
    Case("png-claims-100000", "image: huge header", _write("huge.png", lambda: _build.png(100_000, 100_000, data_rows=1)), 4, "too large to decode", _REFUSED),
    Case("tiff-one-strip-13000", "image: TIFF", _write("strip.tif", lambda: _build.tiff(_S, _S)), 4, "memory budget", _REFUSED),
    Case("tiff-strips-13000", "image: TIFF", _write("strips.tif", lambda: _build.tiff(_S, _S, rows_per_strip=64)), 4, "no-seal", _WORKED),
    Case("tiff-rgba16-13000", "image: TIFF", _write("rgba16.tif", lambda: _build.tiff(_S, _S, samples=4, bits=16, rows_per_strip=16)), 4, "memory budget", _REFUSED),
    Case("jpeg-13000-truncated", "image: JPEG", _write("cut.jpg", lambda: _build.jpeg_header(_S, _S)), 4, "memory budget", _REFUSED),
    Case("jpeg-progressive-13000", "image: JPEG", _write("prog.jpg", lambda: _build.jpeg_header(_S, _S, progressive=True)), 4, "memory budget", _REFUSED),
    Case("jpeg-claims-65000", "image: huge header", _write("huge.jpg", lambda: _build.jpeg_header(65000, 65000)), 4, "too large to decode", _REFUSED),
    Case("pdf-page-200in", "pdf: page size", _write("page.pdf", lambda: _build.pdf_with_page(14400, 14400)), 4, "200 x 200 inches", _REFUSED),
    Case("pdf-image-20000", "pdf: image", _write("img20k.pdf", lambda: _build.pdf_with_image(20000, 20000)), 4, "20000x20000", _REFUSED),
    Case("pdf-image-100000-1bit", "pdf: image", _write("img100k.pdf", lambda: _build.pdf_with_image(100_000, 100_000, bits=1)), 4, "100000x100000", _REFUSED),
    Case("pdf-image-rgb-13000", "pdf: image", _write("rgb13k.pdf", lambda: _build.pdf_with_image(_S, _S, colour="/DeviceRGB")), 4, "memory budget", _REFUSED),
    Case("pdf-image-13000-in-form", "pdf: image", _write("form13k.pdf", lambda: _build.pdf_with_image(_S, _S, in_form=True)), 4, "no-seal", _WORKED, ("--accept-scanned-pdf",)),
    Case("pdf-image-13000-not-accepted", "pdf: image", _write("scan13k.pdf", lambda: _build.pdf_with_image(_S, _S, in_form=True)), 4, "scanned-pdf", _REFUSED),
    Case("pdf-annotation-image-20000", "pdf: image", _write("annot.pdf", lambda: _build.pdf_with_annotation_image(20000, 20000)), 4, "annotation image", _REFUSED),
    Case("pdf-2000-pages", "pdf: pages", _write("pages.pdf", lambda: _build.pdf_many_pages(2000)), 4, "2000 pages", _REFUSED),
    Case("png-truncated", "truncated", _truncated("png", 0.5, "cut.png"), 4, "not a readable image", _REFUSED),
    Case("pdf-truncated-half", "truncated", _truncated("pdf", 0.5, "half.pdf"), 4, "pdf-truncated", _REFUSED),
    Case("pdf-truncated-tail", "truncated", _truncated("pdf", 0.9996, "tail.pdf"), 4, "pdf-truncated", _REFUSED),
    Case("pdf-user-password", "encrypted", _encrypted("secret", "locked.pdf"), 4, "encrypted with a password", _REFUSED),
    Case("pdf-owner-password", "encrypted", _encrypted("", "owner.pdf"), 3, "NOT AUTHENTIC", _WORKED),
    Case("fifo", "special file", _fifo, 4, "named pipe", _REFUSED),
    Case("dev-zero", "special file", _device, 4, "character device", _REFUSED),
    Case("socket", "special file", _socket, 4, "socket", _REFUSED),
    Case("seal-one-byte-changed", "mutation", _mutated_png, 3, "forged-seal", _REFUSED),
)  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """What one verification did: exit code, output, peak RSS (MiB), seconds."""

    exit_code: int
    output: str
    peak_mb: float
    seconds: float


def _child(argv: list[str], out_path: str, limit: int) -> None:  # pragma: no cover
    # Runs in the forked child: a hard cap protects the machine should a
    # regression allocate without bound; the test asserts a far lower ceiling.
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", buffering=0), write_through=True)
    sys.stderr = sys.stdout
    code = 1
    try:
        from docsec_cli.main import cli

        cli.main(argv, prog_name="docsec", standalone_mode=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdout.flush()
        os._exit(code)


def run_forked(
    argvs: list[list[str]], *, limit_bytes: int = 3 * 1024 * MB
) -> list[Outcome]:
    """Run ``docsec`` once per argv, each in a child forked from this process.

    Call it in a process that has imported what a verification imports (see
    :func:`main`), so that each child starts from the same warm state as a fresh
    ``docsec`` process would reach, and its peak RSS is comparable.
    """
    outcomes = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, argv in enumerate(argvs):
            out_path = os.path.join(tmp, f"{i}.out")
            start = time.monotonic()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                _child(argv, out_path, limit_bytes)
            _, status, usage = os.wait4(pid, 0)
            seconds = time.monotonic() - start
            with open(out_path, encoding="utf-8", errors="replace") as fh:
                output = fh.read()
            outcomes.append(
                Outcome(
                    os.waitstatus_to_exitcode(status),
                    output,
                    usage.ru_maxrss / 1024,
                    seconds,
                )
            )
    return outcomes


def warm_up() -> None:
    """Import what any verification imports, before children are forked."""
    import pikepdf  # noqa: F401
    import pyhanko.sign.validation  # noqa: F401
    import pypdfium2  # noqa: F401

    import docsec.pdf
    import docsec.verify  # noqa: F401
    import docsec_cli.main  # noqa: F401


def main() -> None:
    """Read argv lists (JSON) on stdin, run each forked, print outcomes as JSON."""
    argvs = json.load(sys.stdin)
    warm_up()
    sys.stdout.write(json.dumps([o.__dict__ for o in run_forked(argvs)]) + "\n")


if __name__ == "__main__":
    main()
