"""The UI string catalog and the number formats for Chinese readers."""

from __future__ import annotations

import math
import string

import pytest

from geo.text.i18n import (
    CATALOG,
    LANGS,
    axis_ticks,
    format_count,
    format_number,
    format_percent,
    format_yuan,
    t,
)


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    formatter = string.Formatter()
    for key, texts in CATALOG.items():
        assert set(texts) == set(LANGS), key
        fields = [{f for _, f, _, _ in formatter.parse(texts[lang]) if f} for lang in LANGS]
        assert fields[0] == fields[1], key
        assert all(texts[lang].strip() for lang in LANGS), key


def test_t_fills_placeholders_in_the_chosen_language() -> None:
    assert t("kpi.projects", "zh", n=6) == "6个项目"
    assert t("kpi.projects", "en", n=6) == "6 projects"
    assert t("page.overview") == "总览"


def test_t_rejects_unknown_keys_languages_and_missing_values() -> None:
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        t("no.such.key")
    with pytest.raises(ValueError, match="fr"):
        t("page.overview", "fr")
    with pytest.raises(KeyError):
        t("kpi.projects", "zh")


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (0, "zh", "0"),
        (9876, "zh", "9,876"),
        (9999.6, "zh", "1万"),
        (10000, "zh", "1万"),
        (27000, "zh", "2.7万"),
        (123456, "zh", "12.35万"),
        (712300, "zh", "71.23万"),
        (250_000_000, "zh", "2.5亿"),
        (27000, "en", "27,000"),
        (1234.4, "en", "1,234"),
        (None, "zh", "—"),
        (math.nan, "en", "—"),
    ],
)
def test_format_count(value: float | None, lang: str, expected: str) -> None:
    assert format_count(value, lang) == expected


def test_format_percent_has_one_decimal() -> None:
    assert format_percent(2 / 3) == "66.7%"
    assert format_percent(1.0) == "100.0%"
    assert format_percent(0) == "0.0%"
    assert format_percent(math.nan) == "—"


def test_format_yuan_and_number() -> None:
    assert format_yuan(300000) == "30万元"
    assert format_yuan(5000) == "5,000元"
    assert format_yuan(300000, "en") == "¥300,000"
    assert format_number(1234567.891, decimals=1) == "1,234,567.9"
    assert format_number(None) == "—"


def test_axis_ticks_cover_the_top_with_round_steps_in_chinese_units() -> None:
    values, labels = axis_ticks(300_000)
    assert values == [0.0, 100_000.0, 200_000.0, 300_000.0]
    assert labels == ["0", "10万", "20万", "30万"]
    assert axis_ticks(0) == ([0.0], ["0"])
    assert axis_ticks(float("nan")) == ([0.0], ["0"])
    values, _ = axis_ticks(1234, "en")
    assert values[-1] >= 1234 and values[-2] < 1234
