"""The kinds of e-document a school issues (registered in backend.catalog) and the data each needs."""

from __future__ import annotations

from backend.catalog import CATALOG, DocumentType


def spec_for(doc_type: str) -> DocumentType:
    """The document type of this id: its Thai title, required data, file names; ValueError if unknown."""
    return CATALOG.document_type(doc_type)


class DocumentDataError(ValueError):
    """The data given for a document lacks what its template needs."""


def check_data(doc_type: str, data: dict) -> None:
    missing = [key for key in spec_for(doc_type).required if data.get(key) in (None, "", [])]
    if missing:
        raise DocumentDataError(f"{doc_type} needs {missing}")
