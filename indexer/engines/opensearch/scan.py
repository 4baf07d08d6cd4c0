"""Reading every hit of a query in order: a point in time and search_after, so no 10,000 cap.

The point in time pins the index as it was when the scan started (later writes, a swap of the
alias: none of it shows), and is closed when the scan ends or is abandoned.
"""
KEEP_ALIVE = "2m"   # between two pages
PAGE = 1000


def scan(client, index, body, sort, params=None, preference=None):
    """Yield every hit of body["query"] in index, in `sort` order (which must end in a unique key).

    `preference` picks the shard copies the point in time holds (a search through it takes none).
    """
    page = PAGE
    pit_params = {"keep_alive": KEEP_ALIVE, **({"preference": preference} if preference else {})}
    pit = client.create_pit(index=index, params=pit_params)["pit_id"]
    try:
        after = None
        while True:
            request = dict(body, size=page, sort=sort, pit={"id": pit, "keep_alive": KEEP_ALIVE},
                           track_total_hits=False)
            if after is not None:
                request["search_after"] = after
            response = client.search(body=request, params=params)
            pit = response.get("pit_id", pit)
            hits = response["hits"]["hits"]
            yield from hits
            if len(hits) < page:
                return
            after = hits[-1]["sort"]
    finally:
        client.delete_pit(body={"pit_id": [pit]})
