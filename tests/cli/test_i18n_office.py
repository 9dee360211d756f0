"""The office tools in Korean: every command family other than verify.

Each test runs real commands with ``--lang ko`` (one with ``LANG=ko_KR.UTF-8``) and
checks that the messages a person reads are Korean, on the stream they belong to,
while results for programs (JSON, hex ids, file lists, tokens) stay as they are.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.clock import AT

from docsec import imaging
from docsec_cli import _i18n
from docsec_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
FAMILY = ROOT / "samples" / "data" / "family-relation.json"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
PASS_ENV = {"DOCSEC_KEY_PASSPHRASE": "correct horse"}


def ko(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``docsec --lang ko ARGS``."""
    try:
        return CliRunner(env=env).invoke(cli, ["--lang", "ko", *args])
    finally:
        _i18n.set_language("en")


def english_words(text: str) -> list[str]:
    """Return the English words of ``text`` that are not identifiers or paths."""
    plain = re.sub(r"\S*[/\\.:=_\-]\S*|--\S+|\$\S+|\b[A-Z0-9]{2,}\b", " ", text)
    return re.findall(r"\b[a-z]{4,}\b", plain)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("office-ko")
    r = ko("keys", "demo", str(d / "w"), "--at", AT)
    assert r.exit_code == 0, r.output
    assert "시연 환경을" in r.stderr
    assert "운영 사용 금지" in r.stderr
    assert "신뢰 폴더:" in r.stderr
    assert r.stdout == ""
    r = ko(
        "seal",
        "--at",
        AT,
        "--data",
        str(FAMILY),
        "--key",
        str(d / "w/issuer-key.pem"),
        "--cert",
        str(d / "w/issuer-cert.pem"),
        "--out",
        str(d / "s.png"),
    )
    assert r.exit_code == 0, r.output
    assert "바이트 봉인" in r.stderr
    assert "저장했습니다" in r.stderr
    return d


def test_config_show_in_korean(tmp_path: Path) -> None:
    env = {"DOCSEC_CONFIG": "", "DOCSEC_JOBS": "2", "XDG_CONFIG_HOME": str(tmp_path)}
    r = ko("config", "show", env=env)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "설정 파일: (없음)"
    assert lines[1].split() == ["설정", "값", "출처"]
    assert "환경 변수 $DOCSEC_JOBS" in r.stdout
    assert "설정 안 됨" in r.stdout
    # Columns line up on the terminal: Hangul takes two cells.
    starts = {line.index("-") for line in lines[2:] if "설정 안 됨" in line}
    assert len(starts) == 1


def test_usage_errors_in_korean(world: Path, tmp_path: Path) -> None:
    key = str(world / "w/issuer-key.pem")
    cert = str(world / "w/issuer-cert.pem")
    r = ko("issue", "--key", key, "--cert", cert, "--out", str(tmp_path / "x.pdf"))
    assert r.exit_code == 2
    assert r.stderr.strip() == "오류: --data와 --batch 중 하나만 지정하세요"
    assert r.stdout == ""
    # A bad --at: the usage frame is Korean too, the option's name is not.
    r = ko("keys", "demo", str(tmp_path / "d"), "--at", "next tuesday")
    assert r.exit_code == 2
    assert r.stderr.startswith("사용법: ")
    assert "도움말은 '" in r.stderr
    assert (
        "오류: --at의 값이 잘못되었습니다: 'next tuesday'은(는) YYYY-MM-DD 형식이나 "
        "ISO 날짜·시각이 아닙니다"
    ) in r.stderr
    assert r.stdout == ""
    # Key material is never overwritten, and the refusal says so in Korean.
    r = ko(
        "keys",
        "root",
        "--country",
        "KR",
        "--name",
        "X",
        "--out-key",
        key,
        "--out-cert",
        str(tmp_path / "c.pem"),
        env=PASS_ENV,
    )
    assert r.exit_code == 2
    assert r.stderr.startswith("오류: ")
    assert "이미 있습니다. 키 자료는 덮어쓰지 않습니다" in r.stderr


def test_keys_root_issuer_secret_in_korean(tmp_path: Path) -> None:
    r = ko(
        "keys",
        "root",
        "--country",
        "KR",
        "--name",
        "Test CSCA",
        "--out-key",
        str(tmp_path / "root.key"),
        "--out-cert",
        str(tmp_path / "root.pem"),
        "--at",
        AT,
        env=PASS_ENV,
    )
    assert r.exit_code == 0, r.output
    assert "최상위 인증기관(루트 CA) CN=Test CSCA" in r.stderr
    r = ko(
        "keys",
        "issuer",
        "--root-key",
        str(tmp_path / "root.key"),
        "--root-cert",
        str(tmp_path / "root.pem"),
        "--country",
        "KR",
        "--signer-code",
        "GN",
        "--org",
        "Gangnam-gu Office (TEST)",
        "--out-key",
        str(tmp_path / "gn.key"),
        "--out-cert",
        str(tmp_path / "gn.pem"),
        "--at",
        AT,
        env=PASS_ENV,
    )
    assert r.exit_code == 0, r.output
    assert "발급기관 KRGN의 인증서" in r.stderr
    r = ko("keys", "secret", "--purpose", "cdp", "--out", str(tmp_path / "c.key"))
    assert r.exit_code == 0, r.output
    assert "복사 방지 키" in r.stderr
    assert "저장했습니다" in r.stderr
    # No terminal and no passphrase variable: a clear Korean error, not a prompt.
    r = ko(
        "keys",
        "issuer",
        "--root-key",
        str(tmp_path / "root.key"),
        "--root-cert",
        str(tmp_path / "root.pem"),
        "--country",
        "KR",
        "--signer-code",
        "GB",
        "--org",
        "X",
        "--out-key",
        str(tmp_path / "gb.key"),
        "--out-cert",
        str(tmp_path / "gb.pem"),
        env={"DOCSEC_KEY_PASSPHRASE": ""},
    )
    assert r.exit_code == 2
    assert "키 암호가 필요합니다: $DOCSEC_KEY_PASSPHRASE" in r.stderr


def test_crl_and_trust_export_in_korean(world: Path, tmp_path: Path) -> None:
    w = world / "w"
    crl = tmp_path / "root.crl.pem"
    ca = ["--ca-key", str(w / "root-key.pem"), "--ca-cert", str(w / "trust/root.pem")]
    r = ko("crl", "issue", *ca, "--crl", str(crl), "--at", AT)
    assert r.exit_code == 0, r.output
    assert "폐지된 인증서 0개가 담긴 폐지 목록(CRL)" in r.stderr
    assert "다음 갱신:" in r.stderr
    r = ko(
        "crl",
        "revoke",
        *ca,
        "--crl",
        str(crl),
        "--cert",
        str(w / "issuer-cert.pem"),
        "--reason",
        "superseded",
        "--at",
        AT,
    )
    assert r.exit_code == 0, r.output
    assert "폐지했습니다(superseded)" in r.stderr  # the RFC 5280 name stays
    r = ko("crl", "revoke", *ca, "--crl", str(crl), "--serial", "xyz", "--at", AT)
    assert r.exit_code == 2
    assert "'xyz'은(는) 16진수 일련번호가 아닙니다" in r.stderr
    r = ko(
        "trust",
        "export",
        str(tmp_path / "bundle"),
        "--anchor",
        str(w / "trust/root.pem"),
        "--crl",
        str(crl),
        "--at",
        AT,
    )
    assert r.exit_code == 0, r.output
    # stdout: the files written, one per line, for scripts; stderr: how many.
    written = r.stdout.splitlines()
    assert all(Path(line).is_file() for line in written)
    assert f"신뢰 묶음(파일 {len(written)}개)" in r.stderr


def test_registry_and_registered_issue_in_korean(world: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'reg.sqlite3'}"
    r = ko("registry", "init", "--db", db)
    assert r.exit_code == 0, r.output
    assert r.stderr.startswith("발급 대장 준비 완료: sqlite:///")
    data = json.loads(FAMILY.read_text(encoding="utf-8"))
    data.pop("document_number")
    (tmp_path / "d.json").write_text(json.dumps(data), encoding="utf-8")
    r = ko(
        "issue",
        "--data",
        str(tmp_path / "d.json"),
        "--key",
        str(world / "w/issuer-key.pem"),
        "--cert",
        str(world / "w/issuer-cert.pem"),
        "--out",
        str(tmp_path / "doc.pdf"),
        "--registry",
        db,
        "--at",
        AT,
    )
    assert r.exit_code == 0, r.output
    number, _code = r.stdout.split()  # a result for programs: unchanged
    assert "발급 대장에" in r.stderr
    assert f"{number}(으)로 기록했습니다" in r.stderr
    r = ko("registry", "status", number, "--db", db)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"{number}: 유효 (ACTIVE)")
    assert "발급기관" in r.stdout
    r = ko("registry", "revoke", number, "--reason", "오발급", "--db", db, "--at", AT)
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == f"{number}: 취소됨 (REVOKED) (오발급)"
    r = ko("registry", "status", "NO-SUCH", "--db", db)
    assert r.exit_code == 1
    assert r.stderr.strip() == "오류: 발급 대장에 NO-SUCH 문서가 없습니다"
    r = ko("registry", "token", "create", "--role", "auditor", "--db", db, "--at", AT)
    assert r.exit_code == 0, r.output
    assert "이 토큰을 지금 보관하세요" in r.stderr
    assert not HANGUL.search(r.stdout)  # the token itself


def test_serve_usage_error_in_korean(world: Path) -> None:
    r = ko(
        "serve",
        "--trust",
        str(world / "w/trust"),
        "--issuer-key",
        str(world / "w/issuer-key.pem"),
    )
    assert r.exit_code == 2
    assert "--issuer-key와 --issuer-cert를 함께 지정하거나" in r.stderr


def test_inspect_in_korean(world: Path) -> None:
    r = ko("inspect", str(world / "s.bin"))
    assert r.exit_code == 0, r.output
    assert "검증되지 않은 내용 (UNVERIFIED" in r.stdout
    assert "봉인 1 (검증되지 않음, UNVERIFIED):" in r.stdout
    j = ko("inspect", str(world / "s.bin"), "--json")
    assert json.loads(j.stdout)["seals"]  # JSON keys stay English


def test_simulate_watermark_copydetect_in_korean(world: Path, tmp_path: Path) -> None:
    w = world / "w"
    r = ko(
        "simulate",
        "print-scan",
        str(world / "s.png"),
        str(tmp_path / "scan.png"),
        "--seed",
        "1",
        "--scanner-dpi",
        "300",
    )
    assert r.exit_code == 0, r.output
    assert "시드 1" in r.stderr
    r = ko("simulate", "print-scan", str(world / "s.png"), str(tmp_path / "x.gif"))
    assert r.exit_code == 2
    r = ko(
        "simulate",
        "print-scan",
        str(world / "s.png"),
        str(tmp_path / "x.gif"),
        "--seed",
        "1",
    )
    assert r.exit_code == 2
    assert "이미지 형식을 알 수 없습니다" in r.stderr

    r = ko(
        "watermark",
        "extract",
        str(tmp_path / "scan.png"),
        "--key",
        str(w / "watermark.key"),
    )
    assert r.exit_code == 4
    assert "워터마크 없음 (점수" in r.stdout
    r = ko(
        "watermark",
        "embed",
        str(world / "s.png"),
        str(tmp_path / "m.png"),
        "--key",
        str(w / "watermark.key"),
        "--payload",
        "12",
    )
    assert r.exit_code == 2
    assert "16진수 16자리(64비트)가 필요한데 2자리입니다" in r.stderr
    r = ko(
        "watermark",
        "extract",
        str(world / "s.png"),
        "--key",
        str(w / "cdp.key"),
    )
    assert r.exit_code == 2
    assert "워터마크 키가 아닙니다" in r.stderr

    pattern = tmp_path / "cdp.png"
    doc = ["--key", str(w / "cdp.key"), "--doc-id", "A1"]
    r = ko("copydetect", "pattern", *doc, "--out", str(pattern))
    assert r.exit_code == 0, r.output
    assert "도트" in r.stdout
    assert "저장" in r.stdout
    scan = tmp_path / "cdp-scan.png"
    imaging.write_image(scan, imaging.read_image(pattern).image[:40, :40], dpi=600)
    r = ko("copydetect", "measure", str(scan), *doc)
    assert r.exit_code == 4
    assert "판정 불가 (inconclusive)" in r.stdout
    # The reason in the catalogue's Korean words, its measurement as it is.
    assert "  - 이미지에서 복사 방지 패턴을 찾지 못했습니다. [not-found]" in r.stdout


def test_korean_from_the_locale(world: Path, tmp_path: Path) -> None:
    env = {"LANG": "ko_KR.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "DOCSEC_LANG": ""}
    try:
        r = CliRunner(env=env).invoke(
            cli,
            [
                "keys",
                "secret",
                "--purpose",
                "watermark",
                "--out",
                str(tmp_path / "wm.key"),
            ],
        )
    finally:
        _i18n.set_language("en")
    assert r.exit_code == 0, r.output
    assert "워터마크 키" in r.stderr
    assert not english_words(r.stderr), r.stderr
