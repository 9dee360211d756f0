"""The verification page in a real headless Chromium (Debian's, through Selenium).

Screenshots go to test-artifacts/browser/ (or $DOCSEC_TEST_ARTIFACTS).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import pytest
from click.testing import CliRunner
from tests.clock import AT, NOW
from tests.service._live import ROOT, live_server
from tests.service.conftest import World, build_world

from docsec import pdf as _pdf
from docsec_cli.main import cli

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = (
    Path(os.environ.get("DOCSEC_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "browser"
)

pytestmark = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
    reason="Debian chromium and chromium-driver are not installed",
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Documents issued now: the live service verifies on the wall clock."""
    return build_world(tmp_path_factory.mktemp("live"), NOW)


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[str]:
    with live_server("--db", world.db, "--trust", str(world.trust)) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="docsec-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1100,1800",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def mark(driver: object) -> None:
    """Tag the current page so that :func:`wait_for` can tell when it has gone."""
    driver.execute_script("window.__docsecOldPage = true;")  # type: ignore[attr-defined]


def wait_for(driver: object, element_id: str, *, after_mark: bool = False) -> object:
    """Wait until the page after a submit shows ``element_id``.

    With ``after_mark`` the wait first needs the page tagged by :func:`mark` to be
    replaced. (Selenium's ``staleness_of`` is racy on Chromium: an element of the
    page being torn down can raise "Node with given id does not belong to the
    document" rather than a stale-element error.)
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    def new_page(d: Any) -> bool:
        try:
            return bool(
                d.execute_script(
                    "return window.__docsecOldPage === undefined"
                    " && document.readyState === 'complete';"
                )
            )
        except WebDriverException:  # mid-navigation: ask again
            return False

    wait = WebDriverWait(driver, 60)  # type: ignore[arg-type]
    if after_mark:
        wait.until(new_page)
    return wait.until(ec.presence_of_element_located((By.ID, element_id)))


def shot(driver: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    return path


def test_upload_scan_shows_verdict(
    world: World, server: str, browser: object, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    d: object = browser
    doc = world.docs[0]
    # A "scan": the issued page rendered at 300 dpi, as a PNG file.
    scan = tmp_path / "scan.png"
    cv2.imwrite(str(scan), _pdf.render_page(doc.pdf, dpi=300.0))
    d.get(server + "/?lang=en")  # type: ignore[attr-defined]
    d.find_element(By.NAME, "file").send_keys(str(scan))  # type: ignore[attr-defined]
    mark(d)
    d.find_element(By.CSS_SELECTOR, "#verify-form button").click()  # type: ignore[attr-defined]
    verdict: Any = wait_for(d, "verdict", after_mark=True)
    assert "authentic" in verdict.get_attribute("class").split()
    assert "AUTHENTIC" in verdict.text
    fields = d.find_element(By.ID, "fields").text  # type: ignore[attr-defined]
    assert doc.number in fields
    img = d.find_element(By.CSS_SELECTOR, "img.annotated")  # type: ignore[attr-defined]
    assert img.get_attribute("src").startswith("data:image/png;base64,")
    assert shot(d, "upload-verdict-en").stat().st_size > 10_000


def test_lookup_on_the_korean_page(world: World, server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By

    d: object = browser
    doc = world.docs[1]
    d.get(server + "/?lang=ko")  # type: ignore[attr-defined]
    assert "문서 진위 확인" in d.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    d.find_element(By.NAME, "number").send_keys(doc.number)  # type: ignore[attr-defined]
    d.find_element(By.NAME, "code").send_keys(f"{doc.code[:5]}-{doc.code[5:]}")  # type: ignore[attr-defined]
    mark(d)
    d.find_element(By.CSS_SELECTOR, "#lookup-form button").click()  # type: ignore[attr-defined]
    status: Any = wait_for(d, "registry-status", after_mark=True)
    assert "유효" in status.text
    shot(d, "lookup-ko")
    # A wrong code says nothing about the document.
    d.find_element(By.NAME, "number").send_keys(doc.number)  # type: ignore[attr-defined]
    d.find_element(By.NAME, "code").send_keys("ZZZZZZZZZZ")  # type: ignore[attr-defined]
    mark(d)
    d.find_element(By.CSS_SELECTOR, "#lookup-form button").click()  # type: ignore[attr-defined]
    wait_for(d, "lookup-form", after_mark=True)
    assert "없습니다" in d.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
    shot(d, "lookup-ko-not-found")


def test_cli_verify_against_the_service(
    world: World, server: str, tmp_path: Path
) -> None:
    doc = world.docs[2]
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(doc.pdf)
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(pdf),
            "--trust",
            str(world.trust),
            "--at",
            AT,
            "--registry",
            server,
            "--json",
        ],
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    assert '"name": "registry", "status": "pass"' in r.stdout
