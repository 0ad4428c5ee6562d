"""Counts tags over a folder of posts with YAML front matter."""
import re
import sys
from collections import Counter
from pathlib import Path

FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)


class TagCounter:
    def __init__(self, root: Path, limit: int = 10):
        self.root = root
        self.limit = limit
        self.counts = Counter()

    def scan(self) -> "TagCounter":
        for path in sorted(self.root.rglob("*.md")):
            match = FRONT.match(path.read_text(encoding="utf-8"))
            if not match:
                continue
            for line in match.group(1).splitlines():
                if line.startswith("tags:"):
                    tags = line[5:].strip(" []").split(",")
                    self.counts.update(t.strip().strip('"') for t in tags if t)
        return self

    @property
    def top(self):
        return self.counts.most_common(self.limit)


if __name__ == "__main__":
    for tag, n in TagCounter(Path(sys.argv[1])).scan().top:
        print(f"{tag:<20} {n:>5}")
