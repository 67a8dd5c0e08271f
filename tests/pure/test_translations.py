"""The translations (i18n/*.po) against the template (i18n/wholesale_retail.pot),
without Odoo: every msgid translated in every language, placeholders and
markup intact, no English left."""

import re
from pathlib import Path

import polib
import pytest

I18N = Path(__file__).resolve().parents[2] / "i18n"
POT = I18N / "wholesale_retail.pot"
#: the seven languages of the merchants' story (issue 16)
LANGS = ["ar", "th", "zh_CN", "zh_TW", "es", "pt", "pt_BR"]
#: scripts that are not Latin: a translation must use them
SCRIPTS = {
    "ar": r"[\u0600-\u06ff]",
    "th": r"[\u0e00-\u0e7f]",
    "zh_CN": r"[\u4e00-\u9fff]",
    "zh_TW": r"[\u4e00-\u9fff]",
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd%]|\{\{.*?\}\}")
TAG = re.compile(r"</?([a-zA-Z][\w:-]*)")
#: words that stay as they are in every language
KEPT = re.compile(r"\b(Odoo|XLSX|PDF|POS|PoS|UTC|VAT|ID|EAN|GS1|URL|HTTP|JSON|cn2an)\b")


def _entries(path):
    return {(e.msgctxt or "", e.msgid): e for e in polib.pofile(str(path))}


@pytest.fixture(scope="module")
def template():
    return _entries(POT)


def _words(text):
    """The words of ``text`` a translator translates: placeholders, markup
    and the names kept in every language left out."""
    text = PLACEHOLDER.sub(" ", text)
    text = re.sub(r"<[^>]*>", " ", text)
    text = KEPT.sub(" ", text)
    return re.findall(r"[A-Za-z]{2,}", text)


@pytest.mark.parametrize("lang", LANGS)
def test_every_msgid_translated_with_its_placeholders(lang, template):
    path = I18N / f"{lang}.po"
    assert path.exists(), f"i18n/{lang}.po is missing"
    po = polib.pofile(str(path))
    assert po.metadata.get("Language") == lang
    entries = _entries(path)
    assert set(entries) == set(template), (
        "not the template's msgids (regenerate the .po from the .pot): "
        f"missing {sorted(set(template) - set(entries))[:5]}, "
        f"extra {sorted(set(entries) - set(template))[:5]}"
    )
    problems = []
    for entry in entries.values():
        msgid, msgstr = entry.msgid, entry.msgstr
        if not msgstr.strip():
            problems.append(f"untranslated: {msgid[:60]!r}")
            continue
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
            problems.append(f"placeholders differ: {msgid[:60]!r} -> {msgstr[:60]!r}")
        if sorted(TAG.findall(msgid)) != sorted(TAG.findall(msgstr)):
            problems.append(f"markup differs: {msgid[:60]!r}")
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {msgid[:60]!r}")
    assert not problems, f"{lang}: {len(problems)} problems, e.g. {problems[:8]}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_left(lang):
    left = []
    for entry in polib.pofile(str(I18N / f"{lang}.po")):
        words = _words(entry.msgid)
        if not words:
            continue
        if lang in SCRIPTS:
            # in the language's script, or only names every language keeps
            # (Odoo's own zh_CN says "POS" for "Point of Sale")
            if not re.search(SCRIPTS[lang], entry.msgstr) and _words(entry.msgstr):
                left.append(entry.msgid[:60])
        elif len(words) >= 3 and entry.msgstr == entry.msgid:
            left.append(entry.msgid[:60])
    assert not left, f"{lang}: {len(left)} strings left in English, e.g. {left[:8]}"


REPO = I18N.parent
#: classes and styles that pin a side: in Arabic the page runs from the right,
#: so layouts say start/end (ms-*, me-*, text-start, text-end, *-inline-start)
PHYSICAL_SIDE = re.compile(
    r"\b(?:[mp][lr]-(?:\d|auto)|text-(?:left|right)|float-(?:left|right)|"
    r"(?:margin|padding|border)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:)"
)


def test_layouts_use_logical_sides():
    files = [
        path
        for folder in ("views", "reports", "wizards", "data", "static/src")
        for path in (REPO / folder).rglob("*")
        if path.suffix in (".xml", ".scss", ".css")
    ]
    assert len(files) > 10
    pinned = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PHYSICAL_SIDE.search(line)
    ]
    assert pinned == []


@pytest.mark.parametrize(
    "line",
    ['<div class="ml-2">', '<td class="text-right">', "margin-left: 4px;", "left: 0;"],
)
def test_a_pinned_side_is_found(line):
    assert PHYSICAL_SIDE.search(line)


@pytest.mark.parametrize(
    "line",
    [
        '<div class="ms-2 text-end">',
        "border-inline-start: 4px solid;",
        'icon="oi-arrow-right"',
        'text-anchor="middle"',
    ],
)
def test_a_logical_side_is_not(line):
    assert not PHYSICAL_SIDE.search(line)
