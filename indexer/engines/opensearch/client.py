"""The connection to the cluster, and its failures as the library's errors (one clear line each)."""
from contextlib import contextmanager

from opensearchpy import OpenSearch
from opensearchpy import exceptions as ox

from ...errors import EngineError, IndexUnavailable

RETRIES = 3   # per request, on a connection error or timeout: the next node is tried
POOL_MAXSIZE = 64  # kept-alive connections per node: one per serve thread (--threads allows 64);
                   # urllib3's default of 1 makes every concurrent request but one open a new socket


def make_client(config):
    """Return an OpenSearch client over every node URL of config (nothing is connected yet)."""
    kwargs = dict(
        hosts=list(config.engine_url), timeout=config.timeout, max_retries=RETRIES, pool_maxsize=POOL_MAXSIZE,
        # Every write is idempotent (index by _id, delete by _id), so a timed-out request may be sent again.
        retry_on_timeout=True, retry_on_status=(502, 503, 504),
    )
    if config.username:
        kwargs["http_auth"] = (config.username, config.password or "")
    if any(str(u).startswith("https:") for u in config.engine_url):
        kwargs.update(use_ssl=True, verify_certs=config.verify_certs, ssl_show_warn=config.verify_certs)
        if config.ca_file:
            kwargs["ca_certs"] = config.ca_file
    return OpenSearch(**kwargs)


def reason(err):
    """Return the one-line reason OpenSearch gave for a failed request."""
    info = getattr(err, "info", None)
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            causes = error.get("root_cause") or []
            first = causes[0] if causes and isinstance(causes[0], dict) else error
            text = f"{first.get('type', '')}: {first.get('reason', '')}".strip(": ")
            return " ".join(text.split())[:300]
        if error:
            return " ".join(str(error).split())[:300]
    return " ".join(str(getattr(err, "error", "") or err).split())[:300]


def error_type(err):
    info = getattr(err, "info", None)
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        causes = info["error"].get("root_cause") or [info["error"]]
        return causes[0].get("type", "")
    return str(getattr(err, "error", ""))


@contextmanager
def failures(what, where):
    """Turn the client's exceptions while doing `what` (at `where`) into EngineError/IndexUnavailable."""
    try:
        yield
    except ox.ConnectionTimeout as err:
        raise EngineError(f"OpenSearch at {where} did not answer in time while {what} ({err.error})") from err
    except ox.SSLError as err:
        raise EngineError(f"TLS failed with OpenSearch at {where} while {what}: {err.error}; "
                          "check FACETWIRE_ENGINE_CA_FILE / FACETWIRE_ENGINE_VERIFY") from err
    except ox.ConnectionError as err:
        raise EngineError(f"cannot reach OpenSearch at {where} while {what} ({err.error})") from err
    except (ox.AuthenticationException, ox.AuthorizationException) as err:
        raise EngineError(f"OpenSearch at {where} refused the credentials while {what} ({reason(err)}); "
                          "check FACETWIRE_ENGINE_USERNAME / FACETWIRE_ENGINE_PASSWORD") from err
    except ox.NotFoundError as err:
        if error_type(err) == "index_not_found_exception":
            raise IndexUnavailable(f"the index went away while {what} at {where} ({reason(err)}); "
                                   "it was probably replaced by a rebuild: try again") from err
        raise EngineError(f"OpenSearch at {where} found nothing while {what} ({reason(err)})") from err
    except ox.TransportError as err:
        raise EngineError(f"OpenSearch at {where} refused {what} (HTTP {err.status_code}, {reason(err)})") from err
