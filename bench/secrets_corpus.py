"""Benchmark corpus for secret scanners: a deterministic tree of realistic project files with
planted credentials (real formats, random values) and hard decoys, and their labels.

    .venv/bin/python bench/secrets_corpus.py OUT_DIR [--seed N] [--services 12]

Writes OUT_DIR/tree/ (one directory per service: .env files, compose and Kubernetes
manifests, Terraform, Python/JS/Go/Java sources, Dockerfiles, CI workflows, registry
configs, keys and certificates, READMEs, lockfiles, test fixtures, minified bundles) and
OUT_DIR/labels.json: one entry per planted value, {file, line, end_line, kind, is_secret}.
`line` is the line of the value's first character; PEM blocks end at `end_line`.
Every real-format credential kind appears at least once; ordinary code around them mentions
passwords and tokens without holding any.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from secrets_corpus_code import CODE_RECIPES
from secrets_corpus_files import CONFIG_RECIPES, Doc, Planter
from secrets_corpus_fixtures import FIXTURE_RECIPES


@dataclass
class Corpus:
    """Files of the tree and their labels, built in memory."""

    files: dict[str, Doc] = field(default_factory=dict)

    def add(self, path: str, doc: Doc) -> None:
        while path in self.files:
            stem, dot, ext = path.rpartition(".")
            path = f"{stem}-2.{ext}" if dot else path + "-2"
        self.files[path] = doc

    def labels(self) -> list[dict[str, object]]:
        return [
            {
                "file": path,
                "line": label.line,
                "end_line": label.end_line,
                "kind": label.kind,
                "is_secret": label.is_secret,
            }
            for path, doc in sorted(self.files.items())
            for label in doc.labels
        ]


SERVICES = (
    "orders",
    "billing",
    "auth",
    "search",
    "notifications",
    "gateway",
    "inventory",
    "analytics",
    "web",
    "mobile-api",
    "payments",
    "reporting",
    "catalog",
    "shipping",
)


def build(seed: int, services: int) -> Corpus:
    rng = random.Random(seed)
    planter = Planter(rng)
    corpus = Corpus()
    for service in SERVICES[:services]:
        for recipe in CONFIG_RECIPES + CODE_RECIPES:
            for path, doc in recipe(rng, planter, service):
                corpus.add(f"{service}/{path}", doc)
    for path, doc in planter.leftovers(rng):
        corpus.add(path, doc)
    # Added later, from their own stream, so the files above stay what they were for a seed.
    fixtures_rng = random.Random(f"{seed}:fixtures")
    fixtures_planter = Planter(fixtures_rng)
    for service in SERVICES[:services]:
        for recipe in FIXTURE_RECIPES:
            for path, doc in recipe(fixtures_rng, fixtures_planter, service):
                corpus.add(f"{service}/{path}", doc)
    return corpus


def write(corpus: Corpus, out: Path) -> None:
    tree = out / "tree"
    if tree.exists():
        shutil.rmtree(tree)
    for path, doc in corpus.files.items():
        target = tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(doc.text())
    (out / "labels.json").write_text(json.dumps(corpus.labels(), indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--services", type=int, default=12)
    args = parser.parse_args()
    corpus = build(args.seed, args.services)
    write(corpus, args.out)
    labels = corpus.labels()
    secrets = sum(1 for label in labels if label["is_secret"])
    kinds = len({label["kind"] for label in labels if label["is_secret"]})
    print(
        f"{len(corpus.files)} files, {secrets} secrets of {kinds} kinds, "
        f"{len(labels) - secrets} decoys -> {args.out}"
    )


if __name__ == "__main__":
    main()
