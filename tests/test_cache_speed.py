"""The article cache's speed mechanisms (issue 13, ingest targets): fields looked up once a
class, the analyses just written kept in memory for the store write, one mkdir a directory,
and workers that send their analyses already encoded. Each keeps the bytes and the values
the slow way gave."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import geo.pipeline as pipeline
from geo.model import Article
from geo.store import ArticleCache, CachedArticle, EncodedArticle, codec
from geo.store import article_cache as article_cache_module
from tests.test_store import _cached


def _articles(count: int) -> list[CachedArticle]:
    articles = [Article(f"a{i}", f"Minsk said {i} things.", f"c/{i}.txt") for i in range(count)]
    return [_cached(a) for a in articles]


def test_encoding_looks_up_each_class_fields_once(monkeypatch):
    values = _articles(20)
    expected = [codec.dumps(v) for v in values]
    calls = []
    real_fields = dataclasses.fields

    def counting(cls_or_instance):
        calls.append(cls_or_instance)
        return real_fields(cls_or_instance)

    monkeypatch.setattr(codec, "_FIELD_NAMES", {})
    monkeypatch.setattr(codec.dataclasses, "fields", counting)
    encoded = [codec.dumps(v) for v in values]
    assert encoded == expected  # the same bytes
    assert all(codec.loads(e) == v for e, v in zip(encoded, values, strict=True))
    # once a class (CachedArticle, AnalysedArticle, Article, Sourced, Event, ...), not once
    # an instance: 20 articles hold hundreds of dataclass instances
    assert 0 < len(calls) <= len(codec._CLASSES)
    assert all(isinstance(c, type) for c in calls)


def test_an_analysis_just_written_is_read_from_memory(tmp_path, monkeypatch):
    cache = ArticleCache(tmp_path)
    value = _articles(1)[0]
    cache.put("ab" + "0" * 62, value)

    def no_reading(data):
        raise AssertionError("read back from disk")

    monkeypatch.setattr(codec, "loads", no_reading)
    assert cache.get("ab" + "0" * 62) is value


def test_memory_holds_the_latest_analyses_only_and_never_a_deleted_one(tmp_path, monkeypatch):
    monkeypatch.setattr(article_cache_module, "RECENT", 3)
    cache = ArticleCache(tmp_path)
    values = _articles(5)
    keys = [f"{i:02d}" + "f" * 62 for i in range(5)]
    for key, value in zip(keys, values, strict=True):
        cache.put(key, value)
    read = []
    real_loads = codec.loads
    monkeypatch.setattr(codec, "loads", lambda data: read.append(data) or real_loads(data))
    assert [cache.get(k) for k in keys] == values
    assert len(read) == 2  # the two oldest, from disk; the latest three from memory
    cache._path(keys[4]).unlink()  # gone from disk (pruned, or deleted by hand)
    with pytest.raises(FileNotFoundError):
        cache.get(keys[4])


def test_entries_of_one_directory_make_it_once(tmp_path, monkeypatch):
    cache = ArticleCache(tmp_path)
    made = []
    real_mkdir = Path.mkdir

    def counting(self, *args, **kwargs):
        if kwargs.get("parents"):  # the call itself, not pathlib's retry after making parents
            made.append(self)
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", counting)
    values = _articles(4)
    for i, value in enumerate(values):
        cache.put("cd" + f"{i}" * 62, value)
    assert made.count(cache.directory / "cd") == 1
    assert [cache.get("cd" + f"{i}" * 62) for i in range(4)] == values


def test_a_worker_sends_its_analyses_encoded_and_the_cache_writes_them_as_sent(
    tmp_path, monkeypatch
):
    values = _articles(3)
    batch = [v.analysed.article for v in values]
    monkeypatch.setattr(pipeline, "_worker_stages", lambda: (None, None))
    monkeypatch.setattr(pipeline, "analyse_articles", lambda articles, *a, **k: iter(values))
    sent = pipeline.analyse_on_worker(batch, None)
    assert all(isinstance(s, EncodedArticle) for s in sent)
    assert [s.data for s in sent] == [codec.dumps(v) for v in values]
    cache = ArticleCache(tmp_path)
    cache.put("ef" + "1" * 62, sent[0])
    assert cache._path("ef" + "1" * 62).read_bytes() == sent[0].data
    assert cache.get("ef" + "1" * 62) == values[0]  # decoded from disk: equal to the analysis
