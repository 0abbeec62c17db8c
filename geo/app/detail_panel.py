"""The panel beside the map: every event at the clicked place, with its full excerpt, its
context and its article's link, all text escaped (the popup, in mapview, shows a few)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.app.frame_index import safe_url
from geo.app.mapview import actors_text, cell_text, date_text, highlighted_excerpt, roles_text
from geo.app.safetext import escape_html
from geo.app.tables import precision_word

if TYPE_CHECKING:
    import pandas as pd


def detail_html(place_name: str, events: pd.DataFrame, total: int | None = None) -> str:
    """Every event at a place with its full excerpt, context and article link (escaped).
    `total`: how many events are at the place when `events` is only the latest of them (the
    panel renders a page): the heading counts them all and says how many are shown."""
    items = []
    for row in events.drop(columns="geometry", errors="ignore").to_dict("records"):
        meta = [escape_html(date_text(row.get("date")))]
        if precision_word(row.get("place_precision")):
            meta.append(escape_html(precision_word(row.get("place_precision"))))
        who_did_what = roles_text(row)
        if who_did_what:
            meta.append(f'<span class="nm-roles">{escape_html(who_did_what)}</span>')
        elif cell_text(row.get("event_type")):
            meta.append(escape_html(row["event_type"]))
        if cell_text(row.get("source")):
            meta.append(escape_html(row["source"]))
        actors = actors_text(row.get("actor_names"))
        if actors and not who_did_what:
            meta.append(escape_html(actors))
        title = escape_html(cell_text(row.get("title")))
        url = safe_url(row.get("url"))
        if url and not title:
            title = "article"
        if url:
            link = f'<a href="{escape_html(url)}" target="_blank" rel="noopener noreferrer">'
            title = f"{link}{title}</a>"
        before = escape_html(cell_text(row.get("context_before")))
        after = escape_html(cell_text(row.get("context_after")))
        items.append(
            '<div class="nm-detail-event">'
            f'<div class="nm-detail-meta">{" · ".join(meta)}</div>'
            + (f'<div class="nm-detail-title">{title}</div>' if title else "")
            + '<p class="nm-detail-text">'
            + (f'<span class="nm-context">{before} </span>' if before else "")
            + f"<strong>{highlighted_excerpt(row)}</strong>"
            + (f'<span class="nm-context"> {after}</span>' if after else "")
            + "</p></div>"
        )
    total = len(items) if total is None else total
    noun = "event" if total == 1 else "events"
    shown = ""
    if total > len(items):
        shown = (
            f'<p class="nm-detail-more">The {len(items):,} latest are shown; the downloads'
            " below the events table hold them all, with every other event that passes.</p>"
        )
    return (
        DETAIL_CSS
        + f'<div class="nm-detail"><h4>{escape_html(place_name)} — {total:,} {noun}</h4>'
        + shown
        + "".join(items)
        + "</div>"
    )


DETAIL_CSS = """<style>
.nm-detail h4 { margin: 0 0 .5em 0; }
.nm-detail-event { border-left: 3px solid #d64541; padding: .2em .6em; margin-bottom: .8em; }
.nm-detail-meta { color: #666; font-size: .85em; }
.nm-detail-title { font-weight: 600; }
.nm-detail-text { margin: .2em 0; }
.nm-context { color: #777; }
.nm-detail-more { color: #666; font-style: italic; }
.nm-detail mark { background: #ffe27a; }
</style>"""
