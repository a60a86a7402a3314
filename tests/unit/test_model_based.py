"""Model-based test of the incremental index (issue 6): random opens, edits, closes, file
creations, deletions and renames on disk, each followed by what the server would call on
the Workspace; after every step the incremental index must equal one rebuilt from scratch
(load.build_vault of the disk, with the open documents' texts laid over it), including
every note's diagnostics."""

from __future__ import annotations

import shutil
import tempfile
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
    @initialize(files=st.dictionaries(names, texts, max_size=5))
    def start(self, files):
        self.dir = Path(tempfile.mkdtemp(prefix="claim-lsp-model-"))
        self.root = self.dir / "vault"
        self.root.mkdir()
        for name, text in files.items():
            self.write(name, text)
        self.config = Config()
        self.ws = Workspace()
        vault = self.ws.add_vault(self.root, self.config)
        Loader(vault, editor=self.ws).run()  # as the server indexes
        self.vault = vault

    def teardown(self):
        shutil.rmtree(getattr(self, "dir", "/nonexistent"), ignore_errors=True)

    def path(self, name: str) -> Path:
        return self.root / f"{name}.md"

    def write(self, name: str, text: str) -> None:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def on_disk(self) -> list[str]:
        return [n for n in NAMES if self.path(n).is_file()]

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
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.ws.open_docs[path], encoding="utf-8")
        self.ws.reload(path)

    # ---- the disk ------------------------------------------------------------------------
    @rule(name=names, text=texts)
    def create_or_rewrite_on_disk(self, name, text):
        self.write(name, text)
        self.ws.reload(self.path(name))

    @precondition(lambda self: self.on_disk())
    @rule(data=st.data())
    def delete_on_disk(self, data):
        name = data.draw(st.sampled_from(self.on_disk()))
        self.path(name).unlink()
        self.ws.reload(self.path(name))

    @precondition(lambda self: self.on_disk())
    @rule(data=st.data(), new=names)
    def rename_on_disk(self, data, new):
        old = data.draw(st.sampled_from(self.on_disk()))
        if self.path(new).exists():
            return  # a rename never overwrites
        self.path(new).parent.mkdir(parents=True, exist_ok=True)
        self.path(old).rename(self.path(new))
        self.ws.reload(self.path(old))
        self.ws.reload(self.path(new))

    # ---- the property --------------------------------------------------------------------
    @invariant()
    def incremental_equals_rebuilt(self):
        if not hasattr(self, "ws"):
            return
        rebuilt = build_vault(self.root, self.config)
        for path, text in self.ws.open_docs.items():
            rel = path.relative_to(self.root).as_posix()
            rebuilt.put(note_from_text(rel, text, self.config.limits))
        assert snapshot(self.vault) == snapshot(rebuilt)


WorkspaceMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestWorkspaceModel = WorkspaceMachine.TestCase
