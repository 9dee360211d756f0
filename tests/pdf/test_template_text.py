"""The template embeds working font subsets, also for composite glyphs and rare text."""

from __future__ import annotations

import pytest
from tests.pdf.conftest import sample

from docsec.errors import ConfigurationError
from docsec.pdf import template_pdf


def _text(pdf: bytes) -> str:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        return str(page.get_textpage().get_text_range())
    finally:
        doc.close()


def test_accented_latin_and_hangul_round_trip_as_text() -> None:
    data = sample()
    data["holder_name"] = "Kröger Müller-Peña Łukasz (홍길동)"
    pdf = template_pdf(data)
    text = _text(pdf)
    assert "Kröger Müller-Peña Łukasz" in text
    assert "홍길동" in text
    assert b"/FontFile2" in pdf  # embedded TrueType subset


def test_missing_glyph_is_a_clear_error() -> None:
    # Nanum Gothic has no Å or Š: issuing must refuse, not print a blank box.
    from docsec.errors import InputError

    data = sample()
    data["holder_name"] = "Ångström"
    with pytest.raises(InputError, match="no glyph"):
        template_pdf(data)


def test_font_dir_setting_is_strict(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DOCSEC_FONT_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ConfigurationError, match="is not a folder"):
        template_pdf(sample())
    monkeypatch.setenv("DOCSEC_FONT_DIR", str(tmp_path))
    with pytest.raises(ConfigurationError, match="has no"):
        template_pdf(sample())
