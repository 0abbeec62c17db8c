"""The article cache's file format: the model's dataclasses as tagged JSON.

Pickle was used before, and loading a pickle runs whatever code it names: a data directory
shared by a colleague, or a file planted in it, could run code on the next build. JSON can
only ever decode to data, and only the classes listed in `_CLASSES` are rebuilt from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from geo import model

_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        model.Sourced,
        model.Span,
        model.Article,
        model.Place,
        model.Toponym,
        model.ResolvedToponym,
        model.Actor,
        model.ActorMention,
        model.DateMention,
        model.Sentence,
        model.AnalysedArticle,
        model.EventPlace,
        model.Event,
    )
}
"""Every class a cache file may name; anything else is refused, never imported."""

_TYPE, _DATE, _DATETIME, _MAP = "$type", "$date", "$datetime", "$map"


class DecodeError(ValueError):
    """The bytes are not a cache entry this code wrote."""


def register(cls: type) -> type:
    """Allow one more dataclass (the cache's own record type) to be decoded."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    _CLASSES[cls.__name__] = cls
    return cls


_SCALARS = frozenset({type(None), bool, int, float, str})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
"""Each registered class's field names, looked up once: a cache entry holds thousands of
dataclass instances, and `dataclasses.fields` per instance was most of the encoding."""


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        _FIELD_NAMES[cls] = names
    return names


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:  # the common case first, by exact type: one set lookup
        return value
    if kind is tuple or kind is list:
        return [_encode(item) for item in value]
    if _CLASSES.get(kind.__name__) is kind:
        fields = {name: _encode(getattr(value, name)) for name in _field_names(kind)}
        return {_TYPE: kind.__name__, **fields}
    return _encode_other(value)


def _encode_other(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):  # before date: a datetime is a date
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {_MAP: [[_encode(k), _encode(v)] for k, v in value.items()]}
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and _CLASSES.get(name) is type(value):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {_TYPE: name, **fields}
    if hasattr(value, "item") and hasattr(value, "dtype"):  # a numpy scalar from the gazetteer
        return _encode(value.item())
    raise TypeError(f"the article cache cannot store a {type(value).__qualname__}: {value!r}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple([_decode(item) for item in value])  # the model holds tuples, never lists
    if not isinstance(value, dict):
        return value
    if _TYPE in value:
        name = value[_TYPE]
        cls = _CLASSES.get(name) if isinstance(name, str) else None
        if cls is None:
            raise DecodeError(f"names a class the cache never stores: {name!r}")
        fields = {k: _decode(v) for k, v in value.items() if k != _TYPE}
        try:
            return cls(**fields)
        except TypeError as error:
            raise DecodeError(f"a {name} with the wrong fields ({error})") from error
    try:
        if _DATE in value:
            return dt.date.fromisoformat(value[_DATE])
        if _DATETIME in value:
            return dt.datetime.fromisoformat(value[_DATETIME])
        if _MAP in value:
            return {_decode(k): _decode(v) for k, v in value[_MAP]}
    except (TypeError, ValueError) as error:
        raise DecodeError(f"a malformed {next(iter(value))} ({error})") from error
    raise DecodeError(f"an untagged object with keys {sorted(value)[:5]}")


def dumps(value: object) -> bytes:
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes) -> Any:
    """Decode what `dumps` wrote; raises DecodeError on anything else."""
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise DecodeError(f"not JSON ({type(error).__name__}: {error})") from error
    try:
        return _decode(raw)
    except RecursionError as error:
        raise DecodeError("nested too deeply") from error
