"""Checking an article id from a URL before it reaches the index."""
from indexer.articles import BAD_ID, MAX_ID  # the indexer only stores ids that pass these


class BadId(ValueError):
    """The id cannot be an article id."""


def check_id(article_id):
    """Return article_id if it can be an article id; raise BadId otherwise."""
    if not article_id or len(article_id) > MAX_ID or BAD_ID.search(article_id):
        raise BadId(f"not a valid article id: {article_id[:80]!r}")
    return article_id
