"""Reading the CSV files Belgian spreadsheets produce: Excel writes `;` in a French or Dutch locale and
Windows-1252 unless told otherwise, with or without a UTF-8 byte-order mark, and staff name the columns
the way the register labels them (R-09). Pure: bytes and the register in, text and column keys out."""

import codecs
import csv
import unicodedata

from lawful import processing

from .errors import ImportRefused

SEPARATORS = ";,\t"
SNIFF_BYTES = 64 * 1024
ENCODINGS = ("utf-8", "cp1252")  # tried in this order: valid UTF-8 is UTF-8, anything else Windows-1252


def decode(data: str | bytes, encoding: str | None = None) -> str:
    """The file's text: in `encoding` when given, else UTF-8 when it is valid UTF-8, else Windows-1252.

    A byte-order mark is dropped. Latin-1 would accept any byte; Windows-1252 leaves five bytes undefined,
    so a file in neither is refused rather than stored as mojibake."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError as exc:
            raise ImportRefused(
                f"unknown encoding {encoding!r}",
                problems=[{"path": "encoding", "message": "unknown encoding"}],
            ) from exc
        return _decode(data, name) or _refuse(name)
    for name in ENCODINGS:
        text = _decode(data, name)
        if text is not None:
            return text
    return _refuse("UTF-8 or Windows-1252")


def _decode(data: bytes, name: str) -> str | None:
    try:
        text = data.decode("utf-8-sig" if name == "utf-8" else name)
    except UnicodeDecodeError:
        return None
    return text.removeprefix("\ufeff")


def _refuse(what: str) -> str:
    raise ImportRefused(
        f"the file is not valid {what}; nothing was imported (give --encoding, e.g. cp1252 or utf-8)",
        problems=[{"path": "encoding", "message": f"not valid {what}"}],
    )


def dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """`;`, `,` or tab, as the file uses it; a one-column file has none and reads as plain CSV."""
    sample = text[:SNIFF_BYTES]
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS)
    except csv.Error:
        header = sample.split("\n", 1)[0]
        counts = {sep: header.count(sep) for sep in SEPARATORS}
        best = max(counts, key=lambda sep: counts[sep])

        class Found(csv.excel):
            delimiter = best if counts[best] else ","

        return Found


def fold(label: str) -> str:
    """A header as compared: accents and case ignored, spaces collapsed ("Prénom " = "prenom")."""
    decomposed = unicodedata.normalize("NFKD", label)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def vocabulary(register: processing.Register) -> dict[str, set[str]]:
    """Every way a header may name a data category: its key, and its labels and its form fields' labels
    in English, French and Dutch. A label two categories share names both (and is refused as ambiguous)."""
    names: dict[str, set[str]] = {}
    labelled = [(c.key, c.label) for c in register.data_categories]
    labelled += [(f.category, f.label) for form in register.forms for f in form.fields]
    for key, label in labelled:
        names.setdefault(fold(key), set()).add(key)
        for lang in ("en", "fr", "nl"):
            text = label.get(lang)
            if text:
                names.setdefault(fold(text), set()).add(key)
    return names


def columns(headers: list[str], register: processing.Register, allowed: list[str]) -> list[str]:
    """The data category of each header, in order; refused, naming the column, when a header names none,
    names a category the activity does not collect, is ambiguous, or repeats another column."""
    names = vocabulary(register)
    keys: list[str] = []
    problems: list[dict[str, str]] = []
    for header in headers:
        found = names.get(fold(header), set())
        in_activity = sorted(found & set(allowed))
        if not found:
            problems.append({"path": f"column {header!r}", "message": "not a data category of the register"})
        elif not in_activity:
            problems.append({"path": f"column {header!r}", "message": "not a data category of the activity"})
        elif len(in_activity) > 1:
            problems.append({"path": f"column {header!r}", "message": f"ambiguous: {', '.join(in_activity)}"})
        elif in_activity[0] in keys:
            problems.append({"path": f"column {header!r}", "message": f"a second {in_activity[0]} column"})
        keys.append(in_activity[0] if len(in_activity) == 1 else header)
    if problems:
        raise ImportRefused("the file was refused; nothing was imported", problems=problems)
    return keys
