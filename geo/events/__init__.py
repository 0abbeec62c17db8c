"""Events: who did what to whom, where and when, from the sentences of an analysed article.
Other stages import from here only.
"""

from geo.events.extract import event_id, extract_events

__all__ = ["event_id", "extract_events"]
