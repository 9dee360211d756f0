"""What a verify imports (issue #19): a PDF verify loads pyHanko's validation,
not its signing stack (pyhanko.sign's __init__ pulls in the time-stamp client and
aiohttp); an image verify loads no pyHanko at all. Signing still works afterwards
in the same process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


def _run(code: str) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.split()


_VERIFY = f"""
import sys
from datetime import date
from pathlib import Path
from docsec import trust, verify_pdf, verify_image, VerifyPolicy, Verdict
policy = VerifyPolicy.seal(trust.TrustStore.load(Path({str(SAMPLES / "demo-keys" / "trust")!r})))
"""


def test_pdf_verify_loads_validation_not_signing_and_signing_still_works() -> None:
    code = (
        _VERIFY
        + f"""
data = Path({str(SAMPLES / "pdf" / "family-relation.pdf")!r}).read_bytes()
r = verify_pdf(data, policy=policy, at=date(2026, 12, 1))
print(r.verdict is Verdict.AUTHENTIC)
print("pyhanko.sign.validation" in sys.modules)
print(any(m in sys.modules for m in ("aiohttp", "pyhanko.sign.signers", "pyhanko.sign.timestamps")))
# A program that signs after verifying gets the whole package, names and all.
from pyhanko.sign import sign_pdf, signers
import pyhanko.sign
print(callable(sign_pdf) and pyhanko.sign.PdfSigner is signers.PdfSigner)
# And a second verify in the same process still answers the same.
print(verify_pdf(data, policy=policy, at=date(2026, 12, 1)).verdict is Verdict.AUTHENTIC)
"""
    )
    assert _run(code) == ["True", "True", "False", "True", "True"]


def test_image_verify_loads_no_pyhanko() -> None:
    code = (
        _VERIFY
        + f"""
import cv2
image = cv2.imread({str(SAMPLES / "scans" / "original-print-scan-300dpi.jpg")!r})
r = verify_image(image, policy=policy, at=date(2026, 12, 1))
print(r.verdict.name)
print(sorted(m for m in ("pyhanko", "pikepdf", "aiohttp") if m in sys.modules))
"""
    )
    assert _run(code) == ["AUTHENTIC", "[]"]


def test_star_import_after_a_verify_gets_the_whole_package() -> None:
    # Red team: ``from pyhanko.sign import *`` reads ``__all__``; the partial
    # package refused every dunder, so the star import silently took only the
    # submodules loaded so far (no sign_pdf, no PdfSigner).
    code = """
from docsec import _pyhanko
_pyhanko.validation_only()
import pyhanko.sign.validation
ns = {}
exec("from pyhanko.sign import *", ns)
print("sign_pdf" in ns and "PdfSigner" in ns and "signers" not in ns)
"""
    assert _run(code) == ["True"]


def test_names_asked_for_while_the_package_completes_wait_for_it() -> None:
    # Red team: while docsec completed pyhanko.sign in one thread (signing), a
    # second thread's ``from pyhanko.sign import sign_pdf`` failed with ImportError
    # (the package's __getattr__ was gone and __init__ had not defined the name
    # yet), where a plain import would have waited. One thread completes; the
    # other asks as soon as the completion has begun, and every failure counts.
    code = """
import threading
import pyhanko
from docsec import _pyhanko
_pyhanko.validation_only()
import pyhanko.sign.validation
package = pyhanko.sign
signing = threading.Thread(target=_pyhanko.complete)
signing.start()
while "_docsec_partial" in package.__dict__:
    pass
errors = 0
while True:
    try:
        from pyhanko.sign import sign_pdf  # noqa: F401
        break
    except ImportError:
        errors += 1
signing.join()
print(errors)
"""
    assert _run(code) == ["0"]
