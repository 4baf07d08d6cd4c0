"""The library's errors: one base class, so the CLI and the web app catch one type."""


class FacetwireError(Exception):
    """A problem the user can act on; the message says what and where."""


class IndexMissing(FacetwireError):
    """There is no index at the given place yet."""


class IndexUnavailable(IndexMissing):
    """The live index exists but cannot be read now (being replaced, removed or broken)."""


class IndexOutdated(IndexUnavailable):
    """The live index was written in a format this version cannot search: it must be rebuilt."""


class IndexBusy(FacetwireError):
    """Another indexing run holds the index."""


class BuildError(FacetwireError):
    """An indexing run could not proceed (the message says why)."""


class EngineError(FacetwireError):
    """The search engine cannot be reached or refused a request."""
