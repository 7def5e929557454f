"""What a file is, judged by its first bytes (magic numbers) rather than its name."""

from __future__ import annotations

SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"PK\x03\x04", "application/zip"),
]


def sniff(head: bytes) -> str | None:
    """The media type whose signature `head` starts with, or None if none is known."""
    for magic, media_type in SIGNATURES:
        if head.startswith(magic):
            return media_type
    return None
