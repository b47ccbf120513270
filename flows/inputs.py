"""What the parent did, already decoded from LINE by the edge."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextInput:
    text: str


@dataclass(frozen=True)
class PostbackInput:
    data: str
    # LINE's date picker puts {"date": "YYYY-MM-DD"} here.
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FilesInput:
    # Ids of files the edge already stored (backend.files), never the bytes.
    file_ids: list[str]


@dataclass(frozen=True)
class OtherInput:
    # "sticker", "location", "audio", ...: nothing the engine can use as an answer.
    kind: str


@dataclass(frozen=True)
class RefusedFile:
    # A photo or file the edge could not take (not a document type, too big, expired), with
    # what to tell the parent: the question it was meant for is asked again with its buttons.
    message_th: str


Input = TextInput | PostbackInput | FilesInput | OtherInput | RefusedFile
