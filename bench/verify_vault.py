#!/usr/bin/env python3
"""Check a generated vault against its .bench.json by re-reading the files.

    python bench/verify_vault.py OUT_DIR

Independent of gen_vault.py on purpose (it shares no code with it): it finds links with a
regex, resolves them against filename stems, and compares link kinds, the broken-link share,
the hub's backlinks and the anomalies with what the generator says it wrote. Uses PyYAML to
check that exactly the notes listed as bad YAML / bad dates fail to load, when it is
installed. Exits 1 on any mismatch.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter, defaultdict

LINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
FENCE = re.compile(r"^```.*?^```[^\n]*$", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]+`")
REQUIRED = {"type", "domain", "description", "confidence", "source", "created"}
HEADING = re.compile(r"^#{1,6} +(.+?) *$", re.M)


def split_frontmatter(text: str) -> tuple[str | None, str]:
    if not text.startswith("---\n"):
        return None, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return None, text
    return text[4:end], text[end + 5:]


def main(root: str) -> int:
    manifest = json.load(open(os.path.join(root, ".bench.json"), encoding="utf-8"))
    files: dict[str, str] = {}  # relative path -> text
    for dirpath, _, names in os.walk(root):
        for name in names:
            if name.endswith(".md"):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                with open(path, encoding="utf-8") as f:
                    files[rel] = f.read()
    stems: dict[str, str] = {}
    for rel in files:
        stem = rel.rsplit("/", 1)[-1][:-3]
        if stem != "_map":
            assert stem not in stems, f"duplicate title {stem}"
            stems[stem] = rel
    lower = {s.lower(): s for s in stems}
    assert len(lower) == len(stems), "titles differing only in case"

    headings: dict[str, set[str]] = {}
    parsed: dict[str, tuple[str | None, str]] = {}
    for rel, text in files.items():
        fm, body = split_frontmatter(text)
        body_no_code = CODE_SPAN.sub("", FENCE.sub("", body))
        parsed[rel] = (fm, body_no_code)
        headings[rel] = set(HEADING.findall(body_no_code))

    kinds: Counter = Counter()
    backlinks: dict[str, set[str]] = defaultdict(set)
    references: Counter = Counter()
    problems: list[str] = []
    pseudo = 0
    frontmatter_links = 0
    for rel, (fm, body) in parsed.items():
        pseudo += len(LINK.findall(files[rel])) - len(LINK.findall(body)) - (
            len(LINK.findall(fm)) if fm else 0)
        if fm:
            frontmatter_links += len(LINK.findall(fm))
        for bang, inner in LINK.findall(body):
            target, _, shown = inner.partition("|")
            target, _, heading = target.partition("#")
            if target.endswith("_map"):
                kinds["map"] += 1
                folder = target[:-4].rstrip("/") or rel.rsplit("/", 1)[0]
                if f"{folder}/_map.md" not in files:
                    problems.append(f"{rel}: map link to missing {target}")
                continue
            if target in stems:
                kind = "embed" if bang else "alias" if shown else "heading" if heading else "exact"
                kinds[kind] += 1
                backlinks[target].add(rel)
                references[target] += 1
                if heading and heading not in headings[stems[target]]:
                    problems.append(f"{rel}: heading link to missing heading {inner}")
            elif target.lower() in lower:
                kinds["case_only"] += 1
            else:
                kinds["broken"] += 1

    note_links = sum(v for k, v in kinds.items() if k != "map")
    claimed = manifest["links"]
    expect = dict(claimed["by_kind"])
    expect["broken"] = expect.pop("missing") + expect.pop("typo")
    for kind, count in expect.items():
        if kinds[kind] != count:
            problems.append(f"links of kind {kind}: found {kinds[kind]}, manifest says {count}")
    if kinds["map"] != claimed["map_links"]:
        problems.append(f"map links: found {kinds['map']}, manifest says {claimed['map_links']}")
    if frontmatter_links != claimed["frontmatter_links"]:
        problems.append(f"frontmatter links: found {frontmatter_links}, "
                        f"manifest says {claimed['frontmatter_links']}")

    hub = manifest["hub"]
    found = (len(backlinks[hub["title"]]), references[hub["title"]])
    if found != (hub["backlinks"], hub["references"]):
        problems.append(f"hub: found {len(backlinks[hub['title']])} backlinks / "
                        f"{references[hub['title']]} references, manifest says "
                        f"{hub['backlinks']} / {hub['references']}")
    top = max(backlinks, key=lambda t: len(backlinks[t]))
    if top != hub["title"]:
        problems.append(f"the most linked note is {top}, not the hub")
    for sample in manifest["samples"]:
        if sample["path"] not in files or stems.get(sample["title"]) != sample["path"]:
            problems.append(f"sample not found: {sample['path']}")

    # Titles and H1s of claims.
    anomalies = manifest["anomalies"]
    h1_mismatch = set(anomalies.get("h1_mismatch", ()))
    word_counts = []
    for rel, (fm, body) in parsed.items():
        if fm and "type: claim" in fm:
            stem = rel.rsplit("/", 1)[-1][:-3]
            word_counts.append(len(stem.split()))
            first = body.lstrip("\n").split("\n", 1)[0]
            if (first == f"# {stem}") == (rel in h1_mismatch):
                problems.append(f"{rel}: H1 {'matches' if rel in h1_mismatch else 'differs'}")
    if pseudo < len(anomalies["pseudo_links_in_code"]):
        problems.append(f"only {pseudo} links inside code")

    yaml_report = "PyYAML not installed: frontmatter not loaded"
    try:
        import yaml
    except ImportError:
        yaml = None
    if yaml is not None:
        expected_bad = {p for k, v in anomalies.items() if k.startswith("yaml_") or k == "bad_date"
                        for p in v}
        failing = set()
        missing_required = set()
        bad_enum = set()
        for rel, (fm, _) in parsed.items():
            if fm is None:
                continue
            try:
                data = yaml.load(fm, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            except (yaml.YAMLError, ValueError):
                failing.add(rel)
                continue
            if data.get("type") == "claim":
                if not REQUIRED <= set(data):
                    missing_required.add(rel)
                elif data["confidence"] not in ("proven", "likely", "experimental", "speculative"):
                    bad_enum.add(rel)
        if failing != expected_bad:
            problems.append(f"YAML failures {len(failing)} != expected {len(expected_bad)}: "
                            f"{sorted(failing ^ expected_bad)[:5]}")
        if missing_required != set(anomalies.get("missing_fields", ())):
            problems.append("notes missing required fields differ from the manifest")
        if bad_enum != set(anomalies.get("bad_enum", ())):
            problems.append("notes with a bad confidence differ from the manifest")
        yaml_report = (f"{len(failing)} frontmatters fail to load, {len(missing_required)} claims"
                       f" miss required fields, {len(bad_enum)} have a bad confidence")

    print(f"{len(files)} files, {sum(len(t.encode()) for t in files.values()) / 1e6:.1f} MB")
    print(f"note links {note_links} ({note_links / len(files):.2f}/file): " +
          ", ".join(f"{k} {v} ({v / note_links:.1%})" for k, v in sorted(kinds.items())
                    if k != "map") + f"; map links {kinds['map']}; frontmatter links "
          f"{frontmatter_links}; inside code {pseudo}")
    print(f"hub backlinks {len(backlinks[hub['title']])}, references {references[hub['title']]};"
          f" next most linked: " + ", ".join(str(len(backlinks[t])) for t in sorted(
              backlinks, key=lambda t: -len(backlinks[t]))[1:6]))
    wc = sorted(word_counts)
    print(f"claim titles: {len(wc)}, words min {wc[0]} median {wc[len(wc) // 2]} max {wc[-1]}")
    print(yaml_report)
    for p in problems[:20]:
        print("MISMATCH:", p)
    print("OK" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
