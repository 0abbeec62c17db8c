"""Events: who did what to whom, where and when, from the sentences of an analysed article.
Other stages import from here only.
"""

from geo.events.dictionaries import CodingDictionaries, load_coding_dictionaries
from geo.events.extract import event_id, extract_events
from geo.events.records import event_record

__all__ = [
    "CodingDictionaries",
    "event_id",
    "event_record",
    "extract_events",
    "load_coding_dictionaries",
]
