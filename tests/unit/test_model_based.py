"""Model-based test of the incremental index (issues 6, 14): random opens, edits, closes;
file creations, deletions and renames on disk, folders deleted and renamed, branch switches,
each reported later by a watcher as the server would hear it (a folder as one event, as VS
Code sends it); all of it interleaved with the steps of the vault's loading (load.Loader, from
a disk cache of an earlier state or none), as the server runs them between requests.

Once the loading is over and every change reported, the incremental index must equal one
rebuilt from scratch (load.build_vault of the disk, with the open documents' texts laid over
it), including every note's diagnostics; and at any time, a note whose file is gone, and the
loss reported, is no longer indexed (never filed again from an earlier reading)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from claim_lsp.checks import check_note
from claim_lsp.config import Config
from claim_lsp.index import Vault
from claim_lsp.load import Loader, build_vault
from claim_lsp.parse import note_from_text
from claim_lsp.workspace import Workspace

NAMES = ["alpha", "Alpha", "beta note", "gamma", "d/alpha", "d/delta", "e/f/beta note", "é 🚀", "_map", "d/_map"]
FOLDERS = ["d", "e", "e/f", "g"]


def note_text(
    links: list[str], alias: str | None, heading: str | None, broken_yaml: bool, tags: str | None = None
) -> str:
    fm = ["---", "type: claim", "domain: ai-alignment", "description: x", "confidence: likely"]
    fm += ["source: s", "created: 2026-01-01"]
    if alias:
        fm.append(f"aliases: [{alias}]")
    if tags:
        fm.append(f"tags: {tags}")
    if broken_yaml:
        fm.append("bad: [unclosed")
    body = ["---", "", "# title", ""]
    if heading:
        body += [f"## {heading}", ""]
    body.append(" ".join(f"[[{target}]]" for target in links))
    return "\n".join(fm + body) + "\n"


texts = st.builds(
    note_text,
    st.lists(
        st.sampled_from([*NAMES, "alpha#Part", "beta note|shown", "../alpha", "d/delta#Part", "missing", "ALPHA", ""]),
        max_size=4,
    ),
    st.none() | st.sampled_from(["alpha", "ghost", "Gamma"]),
    st.none() | st.sampled_from(["Part", "Other"]),
    st.booleans(),
    st.none() | st.sampled_from(["[t1]", "[t1, t2]", "[T1]", "t2 t3"]),
)
names = st.sampled_from(NAMES)
folders = st.sampled_from(FOLDERS)


def snapshot(vault: Vault) -> dict:
    vault.refresh_popularity()  # the ranking's tie-breaker is rebuilt the same way on both sides
    out: dict = {"tags": {tag: vault.tagged(tag) for tag in vault.tag_counts()}}
    for path, note in sorted(vault.notes.items()):
        out[path] = (
            note.title,
            note.aliases,
            [(h.level, h.text, h.span) for h in note.headings],
            [(lk.raw, lk.target, lk.heading, lk.span, lk.target_span, lk.fm_key) for lk in note.links],
            [(p.code, p.severity, p.message, p.span, p.data) for p in check_note(note, vault)],
        )
    return out


class WorkspaceMachine(RuleBasedStateMachine):
    @initialize(files=st.dictionaries(names, texts, max_size=5), warm=st.booleans())
    def start(self, files, warm):
        self.dir = Path(tempfile.mkdtemp(prefix="claim-lsp-model-"))
        self.root = self.dir / "vault"
        self.root.mkdir()
        self.clock = time.time_ns()
        for name, text in files.items():
            self.write(name, text)
        self.config = Config()
        if warm:
            build_vault(self.root, self.config, use_cache=True)  # a disk cache of the vault as it was
        self.ws = Workspace()
        self.vault = self.ws.add_vault(self.root, self.config)
        # the loading, a step at a time between the other rules, as the server runs it
        self.loading = Loader(self.vault, use_cache=warm, editor=self.ws).steps()
        self.loaded = False
        self.pending: list[Path] = []  # changed on disk, not yet reported by the watcher

    def teardown(self):
        if hasattr(self, "loading"):
            self.loading.close()
        shutil.rmtree(getattr(self, "dir", "/nonexistent"), ignore_errors=True)

    def path(self, name: str) -> Path:
        return self.root / f"{name}.md"

    def write(self, name: str, text: str) -> None:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        # each write a second after the last: a rewrite of the same size within the file
        # system's clock tick looks unchanged to the disk cache, which is not what is tested here
        self.clock += 10**9
        os.utime(path, ns=(self.clock, self.clock))

    def on_disk(self) -> list[str]:
        return sorted(p.relative_to(self.root).with_suffix("").as_posix() for p in self.root.rglob("*.md"))

    def folders_on_disk(self) -> list[str]:
        return [f for f in FOLDERS if (self.root / f).is_dir()]

    def changed(self, *paths: Path) -> None:
        self.pending.extend(paths)

    def removed(self, path: Path) -> None:
        """A file deleted: the watcher reports the outermost folder gone with it, if any (VS
        Code: one event for a folder deleted), else the file."""
        gone = path
        while not gone.parent.exists():
            gone = gone.parent
        if gone not in self.pending:
            self.changed(gone)

    def prune(self) -> None:
        """Empty folders go, as git leaves none."""
        for folder in sorted(self.root.rglob("*"), key=lambda p: -len(p.parts)):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    # ---- the loading ---------------------------------------------------------------------
    @precondition(lambda self: not self.loaded)
    @rule()
    def loading_step(self):
        step = next(self.loading, None)
        if step is None:
            self.loaded = True
        else:
            step.work()

    @precondition(lambda self: not self.loaded)
    @rule()
    def loading_ends(self):
        for step in self.loading:
            step.work()
        self.loaded = True

    # ---- the watcher ---------------------------------------------------------------------
    @precondition(lambda self: self.pending)
    @rule(data=st.data())
    def report_one(self, data):
        path = self.pending.pop(data.draw(st.integers(0, len(self.pending) - 1)))
        self.ws.changed_on_disk(path)

    @precondition(lambda self: self.pending)
    @rule()
    def report_all(self):
        while self.pending:
            self.ws.changed_on_disk(self.pending.pop(0))

    # ---- the editor ----------------------------------------------------------------------
    @rule(name=names, text=texts)
    def open_or_edit(self, name, text):
        self.ws.set_text(self.path(name), text)

    @precondition(lambda self: self.ws.open_docs)
    @rule(data=st.data())
    def close(self, data):
        path = data.draw(st.sampled_from(sorted(self.ws.open_docs)))
        self.ws.close(path)

    @precondition(lambda self: self.ws.open_docs)
    @rule(data=st.data())
    def save(self, data):
        """The editor writes its text to disk (and the watcher reports it)."""
        path = data.draw(st.sampled_from(sorted(self.ws.open_docs)))
        self.write(path.relative_to(self.root).with_suffix("").as_posix(), self.ws.open_docs[path])
        self.changed(path)

    # ---- the disk ------------------------------------------------------------------------
    @rule(name=names, text=texts)
    def create_or_rewrite_on_disk(self, name, text):
        self.write(name, text)
        self.changed(self.path(name))

    @precondition(lambda self: self.on_disk())
    @rule(data=st.data())
    def delete_on_disk(self, data):
        name = data.draw(st.sampled_from(self.on_disk()))
        self.path(name).unlink()
        self.changed(self.path(name))

    @precondition(lambda self: self.on_disk())
    @rule(data=st.data(), new=names)
    def rename_on_disk(self, data, new):
        old = data.draw(st.sampled_from(self.on_disk()))
        if self.path(new).exists():
            return  # a rename never overwrites
        self.path(new).parent.mkdir(parents=True, exist_ok=True)
        self.path(old).rename(self.path(new))
        self.changed(self.path(old), self.path(new))

    @precondition(lambda self: self.folders_on_disk())
    @rule(data=st.data())
    def delete_folder_on_disk(self, data):
        folder = self.root / data.draw(st.sampled_from(self.folders_on_disk()))
        shutil.rmtree(folder)
        self.removed(folder)

    @precondition(lambda self: self.folders_on_disk())
    @rule(data=st.data(), new=folders)
    def rename_folder_on_disk(self, data, new):
        old = self.root / data.draw(st.sampled_from(self.folders_on_disk()))
        target = self.root / new
        if target.exists() or target.is_relative_to(old):
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        old.rename(target)
        self.removed(old)
        self.changed(target)  # (a folder created: one event, none for its notes)

    @rule(branch=st.dictionaries(names, texts, max_size=6))
    def switch_branch(self, branch):
        """`git checkout`: the notes become the other branch's, many files at once."""
        before = set(self.on_disk())
        for name in before - branch.keys():
            self.path(name).unlink()
        self.prune()
        for name, text in branch.items():
            self.write(name, text)
        for name in sorted(before - branch.keys()):
            self.removed(self.path(name))
        self.changed(*(self.path(name) for name in sorted(branch)))

    # ---- the properties ------------------------------------------------------------------
    @invariant()
    def a_loss_reported_is_never_undone(self):
        """A note whose file is gone is indexed only while open, or while its loss (or its
        folder's) is not yet reported; never again once it is, whatever the loading read."""
        if not hasattr(self, "ws"):
            return
        unreported = {p.relative_to(self.root).as_posix() for p in self.pending}
        for rel in self.vault.notes:
            if (self.root / rel).is_file() or self.root / rel in self.ws.open_docs:
                continue
            folders = {"/".join(rel.split("/")[:n]) for n in range(1, rel.count("/") + 1)}
            assert rel in unreported or folders & unreported, f"{rel} is gone, reported, and still indexed"

    @invariant()
    def incremental_equals_rebuilt(self):
        if not hasattr(self, "ws") or not self.loaded or self.pending:
            return
        rebuilt = build_vault(self.root, self.config)
        for path, text in self.ws.open_docs.items():
            rel = path.relative_to(self.root).as_posix()
            rebuilt.put(note_from_text(rel, text, self.config.limits))
        assert snapshot(self.vault) == snapshot(rebuilt)


WorkspaceMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestWorkspaceModel = WorkspaceMachine.TestCase
