"""The database record of each stored file: where its sealed bytes are and how to unwrap them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

import backend.schools  # noqa: F401 - registers the schools table that the foreign key points at
from backend.db import Base, UTCDateTime


class StoredFile(Base):
    """Metadata only: no file name and no content is ever kept here in the clear."""

    __tablename__ = "stored_files"
    __table_args__ = (
        sa.Index("ix_stored_files_school_id_source_ref", "school_id", "source_ref"),
        sa.Index("ix_stored_files_school_id_group_ref", "school_id", "group_ref"),
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # uuid4().hex
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    # Opaque to the domain: the edge decides what they mean (e.g. a chat user and a message id).
    owner_ref: Mapped[str] = mapped_column(sa.String(128))
    source_ref: Mapped[str] = mapped_column(sa.String(128))
    # Photos sent together share a group_ref; index is the position the source gave, size its total.
    group_ref: Mapped[str | None] = mapped_column(sa.String(128))
    group_index: Mapped[int | None] = mapped_column(sa.Integer)
    group_size: Mapped[int | None] = mapped_column(sa.Integer)
    content_type: Mapped[str] = mapped_column(sa.String(64))  # as sniffed from the content
    size_bytes: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))  # of the plaintext, checked after decryption
    storage_key: Mapped[str] = mapped_column(sa.String(255))
    # Cleared when the file is deleted, which makes any surviving copy of the blob unreadable.
    wrapped_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    key_id: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
