"""Learned weights of the resolver's score terms (see bench/train_ranker.py).

Empty: the hand-set weights (geo.resolve.HAND_WEIGHTS) apply."""

LEARNED_WEIGHTS: dict[str, float] = {}
