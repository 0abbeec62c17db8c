"""The `articles.csv` sidecar: metadata for corpus files given beside them, not inside.

Parsing it and looking rows up is its own job; how a sidecar value ranks against
what the file and its text say is decided in `articles`.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from geo.ingest.errors import SidecarError
from geo.ingest.fields import COLUMN_SYNONYMS, METADATA_FIELDS
from geo.ingest.pubdates import parse_date
from geo.model import Provenance, Sourced

SIDECAR_NAME = "articles.csv"
SIDECAR_COLUMNS = frozenset(
    {"file", "id", "override", *METADATA_FIELDS}
    | {f"{name}_{part}" for name in METADATA_FIELDS for part in ("provenance", "evidence")}
)
SIDECAR_PROVENANCES: frozenset[Provenance] = frozenset({"explicit", "sidecar", "inferred"})
_TRUE_WORDS = frozenset({"1", "true", "yes", "y", "override"})


@dataclass(frozen=True)
class SidecarRow:
    """What a sidecar declares for one file (or one row of it)."""

    fields: tuple[tuple[str, Sourced], ...]
    override: bool = False

    def get(self, name: str) -> Sourced | None:
        return dict(self.fields).get(name)


@dataclass(frozen=True, eq=False)
class Sidecar:
    """A parsed `articles.csv`: rows keyed by (file name, row id or "")."""

    path: str
    rows: dict[tuple[str, str], SidecarRow] = field(default_factory=dict)
    unmatched: tuple[tuple[int, str], ...] = ()
    """(line, file name) of rows naming no file beside the sidecar: their metadata goes unused."""
    row_ids: dict[str, dict[str, int]] = field(default_factory=dict)
    """file name -> {row id: line} of the rows that name one row of a file, to report the
    ids no row of it has."""
    repeated: tuple[tuple[int, int], ...] = ()
    """(line, earlier line) of rows for a file (and id) an earlier row already covers: the
    earlier row is used, the repeat is reported."""

    def lookup(self, file_name: str, row_id: str = "") -> SidecarRow | None:
        """The row for one file (or one row of it); a row without id covers the whole file."""
        found = self.rows.get((file_name, row_id))
        if found is None and row_id:
            found = self.rows.get((file_name, ""))
        return found


def find_sidecar(path: str | os.PathLike[str]) -> Sidecar | None:
    """The `articles.csv` beside a corpus file, parsed, or None if there is none."""
    candidate = Path(path).parent / SIDECAR_NAME
    return load_sidecar(candidate) if candidate.is_file() else None


def load_sidecar(path: str | os.PathLike[str]) -> Sidecar:
    """Parse a sidecar; raises SidecarError naming the line at fault."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)  # lenient mode hides an unclosed quote
            header = [name.strip().lower() for name in next(reader, [])]
            records: list[tuple[int, list[str]]] = []
            start = reader.line_num + 1
            for cells in reader:
                records.append((start, cells))
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SidecarError(path, f"cannot be read ({error})", "Save it as UTF-8 CSV") from error
    if header:
        _check_sidecar_header(header, path)
    rows: dict[tuple[str, str], SidecarRow] = {}
    unmatched = []
    repeated: list[tuple[int, int]] = []
    first_lines: dict[tuple[str, str], int] = {}
    row_ids: dict[str, dict[str, int]] = {}
    for line_no, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise SidecarError(
                path,
                f"line {line_no}: {len(cells)} cells for {len(header)} columns",
                "Quote cells that contain commas",
            )
        folded = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        name, row_id = folded.get("file", ""), folded.get("id", "")
        row = _sidecar_row_from(folded, path, line_no)
        earlier = first_lines.setdefault((name, row_id), line_no)
        if earlier != line_no:
            repeated.append((line_no, earlier))
            continue
        rows[(name, row_id)] = row
        # Rows match by bare file name: "sub/a.txt" never matches, nor does a misspelling.
        if Path(name).name != name or not (path.parent / name).is_file():
            unmatched.append((line_no, name))
        elif row_id:
            row_ids.setdefault(name, {})[row_id] = line_no
    return Sidecar(str(path), rows, tuple(unmatched), row_ids, tuple(repeated))


def _check_sidecar_header(header: list[str], path: Path) -> None:
    """A column the sidecar does not know would drop its values without a word."""
    if "file" not in header:
        raise SidecarError(
            path, "no 'file' column", "Add a 'file' column naming each corpus file beside it"
        )
    unknown = [name for name in header if name and name not in SIDECAR_COLUMNS]
    if not unknown:
        return
    renames = [
        f"{name!r} is called {field!r} here"
        for name in unknown
        for field, synonyms in COLUMN_SYNONYMS.items()
        if name in synonyms
    ]
    known = (
        "file, id, title, source, url, published, override, <field>_provenance, <field>_evidence"
    )
    fix = "".join(f"{rename}. " for rename in renames) + f"A sidecar's columns are {known}"
    raise SidecarError(
        path,
        f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}",
        fix,
    )


def _sidecar_row_from(folded: dict[str, str], path: Path, line_no: int) -> SidecarRow:
    fields = []
    for name in METADATA_FIELDS:
        value = folded.get(name, "")
        if not value:
            continue
        provenance = folded.get(f"{name}_provenance") or "sidecar"
        if provenance not in SIDECAR_PROVENANCES:
            raise SidecarError(
                path,
                f"line {line_no}: {name}_provenance {provenance!r} is not one of "
                f"{sorted(SIDECAR_PROVENANCES)}",
                "Fix the value or leave it empty (means 'sidecar')",
            )
        evidence = folded.get(f"{name}_evidence") or f"{path.name} line {line_no}"
        parsed: object = value
        if name == "published":
            parsed = parse_date(value)
            if parsed is None:
                raise SidecarError(
                    path, f"line {line_no}: published {value!r} is not a date", "Use YYYY-MM-DD"
                )
        fields.append((name, Sourced(parsed, provenance, evidence)))
    return SidecarRow(tuple(fields), folded.get("override", "").lower() in _TRUE_WORDS)


def _sidecar_row(sidecar: Sidecar | None, path: Path, row_id: str = "") -> SidecarRow | None:
    return sidecar.lookup(path.name, row_id) if sidecar is not None else None
