"""Where a user's data lives: ``--profile DIR``, else ``$POPLARK_HOME``, else the platform's dir."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.core.store.failures import os_failure

PROFILE_ENVIRONMENT_VARIABLE = "POPLARK_HOME"
DATABASE_FILE_NAME = "poplark.sqlite3"


@dataclass(frozen=True)
class Profile:
    directory: Path

    @classmethod
    def locate(cls, explicit: str | os.PathLike[str] | None = None) -> Profile:
        if explicit:
            return cls(Path(explicit).expanduser())
        from_environment = os.environ.get(PROFILE_ENVIRONMENT_VARIABLE)
        if from_environment:
            return cls(Path(from_environment).expanduser())
        # Imported here: platformdirs is only needed when no directory was given.
        import platformdirs

        return cls(Path(platformdirs.user_data_dir("Poplark", appauthor=False)))

    @property
    def database_path(self) -> Path:
        return self.directory / DATABASE_FILE_NAME

    @property
    def lock_directory(self) -> Path:
        return self.directory / "locks"

    @property
    def keyring_backend_path(self) -> Path:
        """Names the keyring backend found last (app.core.credentials.remember_backend_in)."""
        return self.directory / "keyring-backend"

    def ensure(self) -> Profile:
        """Create the directory (private to the user: it holds all their mail)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.lock_directory.mkdir(exist_ok=True, mode=0o700)
        except OSError as error:
            raise os_failure(error, f"creating the profile folder {self.directory}") from error
        return self
