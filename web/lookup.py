"""Finding one article by id, and the articles like it."""
from indexer.articles import BAD_ID, MAX_ID  # the indexer only stores ids that pass these
from indexer.search import make_hit


class BadId(ValueError):
    """The id cannot be an article id."""


def check_id(article_id):
    """Return article_id if it can be an article id; raise BadId otherwise."""
    if not article_id or len(article_id) > MAX_ID or BAD_ID.search(article_id):
        raise BadId(f"not a valid article id: {article_id[:80]!r}")
    return article_id


def find_article(searcher, article_id):
    """Return (docnum, stored fields) of the article, or None when there is none."""
    docnum = searcher.document_number(id=check_id(article_id))
    if docnum is None:
        return None
    return docnum, searcher.stored_fields(docnum)


def similar(searcher, docnum, top=6):
    """Return hits of the articles most like docnum by the key terms of its body."""
    results = searcher.more_like(docnum, "body", top=top)
    return [make_hit(searcher, hit.docnum, hit.score, {}) for hit in results]
