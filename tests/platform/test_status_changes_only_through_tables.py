"""A second line of defence behind the read-only ``status``: the code never writes an
application's, a fee request's or a fee payment's status except in their transition modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Fixtures stage rows in tests/staging.py; migrations are the schema's history.
SKIPPED_PARTS = {".venv", ".git", "tests", "migrations", "node_modules"}
TRANSITION_MODULES = {"backend/applications/workflow.py", "backend/fees/transitions.py",
                      "backend/documents/signature_requests.py", "backend/admission_round/transitions.py"}
# Other entities with a status of their own (inbound events, e-documents, simulator deliveries,
# benchmark records): their writes are not the ones guarded here.
OTHER_STATUSES = {
    ("backend/inbox.py", "event.status"),
    ("backend/documents/service.py", "document.status"),
    ("bot/simulator/driver.py", "delivery.status"),
    ("bench/load.py", "record.status"),
}
GUARDED_MODELS = r"(Application|FeeRequest|FeePayment|SignatureRequest)"
BULK_UPDATE = re.compile(rf"\bupdate\(\s*{GUARDED_MODELS}\b"
                         r"|\bupdate\s+(applications|fee_requests|fee_payments)\b", re.IGNORECASE)
# A status among the columns written: values(status=...), {"status": ...}, {Model.status: ...},
# SET status = ...
WRITES_STATUS = re.compile(r"values\([^)]*\b_?status\s*=|['\"]_?status['\"]\s*:|\._?status\s*:"
                           r"|\bset\b(?:(?!\bwhere\b).)*\bstatus\s*=", re.IGNORECASE | re.DOTALL)
COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor,
            ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)


def _assigned(targets: list[ast.expr]) -> list[ast.expr]:
    """What an assignment writes, with ``a, b = ...`` unpacked (``x[a.status] = ...`` writes x)."""
    flat: list[ast.expr] = []
    for target in targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            flat.extend(_assigned(list(target.elts)))
        elif isinstance(target, ast.Starred):
            flat.extend(_assigned([target.value]))
        else:
            flat.append(target)
    return flat


def _attribute_writes(path: str, node: ast.AST) -> list[str]:
    """``x.status = ...`` (or ``_status``) in an assignment node, as "path:line: code"."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    found: list[str] = []
    for target in _assigned(targets):
        if isinstance(target, ast.Attribute) and target.attr in ("status", "_status"):
            code = ast.unparse(target)
            if target.attr == "_status" and path in TRANSITION_MODULES:
                continue
            if (path, code) not in OTHER_STATUSES:
                found.append(f"{path}:{target.lineno}: {code} = ...")
    return found


def status_writes(path: str, source: str) -> list[str]:
    """Every place in ``source`` that writes a status this test guards, as "path:line: code"."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        found.extend(_attribute_writes(path, node))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
                and any(isinstance(a, ast.Constant) and a.value in ("status", "_status")
                        for a in node.args)):
            found.append(f"{path}:{node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.stmt) and not isinstance(node, COMPOUND):
            code = ast.unparse(node)
            if BULK_UPDATE.search(code) and WRITES_STATUS.search(code):
                found.append(f"{path}:{node.lineno}: a bulk update of a status")
    return found


def _source_files() -> list[Path]:
    files = list(ROOT.glob("*.py"))
    for top in ROOT.iterdir():
        if top.is_dir() and top.name not in SKIPPED_PARTS:  # not walking .venv keeps this fast
            files.extend(top.rglob("*.py"))
    return [p for p in files if not SKIPPED_PARTS & set(p.relative_to(ROOT).parts)]


def test_no_status_is_written_outside_the_transition_modules():
    files = _source_files()
    assert any(p.relative_to(ROOT).as_posix() == "backend/fees/service.py" for p in files)
    found = [write for p in files
             for write in status_writes(p.relative_to(ROOT).as_posix(), p.read_text())]
    assert found == [], ("change a status through its transition table (backend/statuses.py "
                         "names them), never directly:\n" + "\n".join(found))


def test_the_check_finds_each_kind_of_direct_write():
    source = "\n".join([
        "draft.status = ApplicationStatus.CANCELLED",
        "self.draft.status = ApplicationStatus.CANCELLED",
        "request._status = 'paid'",
        "setattr(payment, 'status', 'confirmed')",
        "stmt = sa.update(FeeRequest).where(FeeRequest.id == 1).values(status='paid')",
        "stmt = sa.update(FeePayment).values({FeePayment.status: 'confirmed'})",
        "await session.execute(sa.text(\"UPDATE applications SET status = 'closed'\"))",
    ])
    assert len(status_writes("flows/engine.py", source)) == 7
    assert len(status_writes("flows/engine.py", "a.status, b = 'paid', 1\n[*c.status] = []")) == 2
    assert status_writes("backend/fees/transitions.py", "request._status = 'paid'") == []
    assert status_writes("backend/inbox.py", "event.status = FAILED") == []
    other_columns = ("sa.update(Application).where(Application.status == 'draft').values(reminded_at=now)\n"
                     "sa.text(\"UPDATE applications SET reminded_at = 1 WHERE status = 'draft'\")")
    assert status_writes("bot/worker.py", other_columns) == []
    reads = ("ok = application.status == 'draft'\ncount[application.status] += 1\n"
             "q = sa.select(FeeRequest).where(FeeRequest.status == 'unpaid')")
    assert status_writes("flows/engine.py", reads) == []
