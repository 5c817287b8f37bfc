"""Where document bytes live: one small interface (`save` / `open` / `delete` by key) so that an object
store can replace the default directory. The app's storage is ``app.extensions["tcps_document_storage"]``
when set (`init_app`), else a `DirectoryStorage` on ``DOCUMENT_DIR``."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app

_EXTENSION = "tcps_document_storage"
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")


class Storage(Protocol):
    """Bytes by key (keys look like ``12/34-ab12cd.pdf``: no person's name, no ``..``)."""

    def save(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...


def check_key(key: str) -> str:
    """``key`` if it is a safe relative key, else ValueError (never a path outside the store)."""
    if not _KEY.fullmatch(key) or ".." in key or len(key) > 255:
        raise ValueError("bad storage key")
    return key


class DirectoryStorage:
    """Files under one directory (created on first save, readable by this user only)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)  # a reader never sees half a file
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def init_app(app: Flask, storage: Storage) -> None:
    """Use ``storage`` for this app's documents (an object store, or an in-memory one in tests)."""
    app.extensions[_EXTENSION] = storage


def document_storage() -> Storage:
    """The current app's storage."""
    installed = current_app.extensions.get(_EXTENSION)
    return installed if installed is not None else DirectoryStorage(current_app.config["DOCUMENT_DIR"])
