"""Encrypted storage of the photos and PDFs that parents send."""

from backend.files.crypto import FileDecryptionError, KeyConfigError, KeyRing, Sealed
from backend.files.models import StoredFile
from backend.files.service import (
    FileIntegrityError,
    FileRejected,
    FileTooLarge,
    FileVault,
    StoredFileNotFound,
    UnsupportedFileType,
)
from backend.files.sniff import detect_type
from backend.files.storage import BlobNotFound, BlobStore, LocalBlobStore, S3BlobStore, S3Config

__all__ = [
    "BlobNotFound",
    "BlobStore",
    "FileDecryptionError",
    "FileIntegrityError",
    "FileRejected",
    "FileTooLarge",
    "FileVault",
    "KeyConfigError",
    "KeyRing",
    "LocalBlobStore",
    "S3BlobStore",
    "S3Config",
    "Sealed",
    "StoredFile",
    "StoredFileNotFound",
    "UnsupportedFileType",
    "detect_type",
]
