"""Paper identity (claims-spec section 1)."""
import hashlib
import re
import unicodedata

_WS = re.compile(r"\s+")


def normalize_title(title: str) -> str:
    """NFKC, whitespace runs collapsed to one space, stripped, lower-cased.

    >>> normalize_title("  Mixture-of-Transformers:\\n A  Sparse ")
    'mixture-of-transformers: a sparse'
    """
    return _WS.sub(" ", unicodedata.normalize("NFKC", title)).strip().lower()


def paper_id(title: str) -> str:
    """First 16 hex digits of SHA-1 over the normalized title.

    >>> paper_id("Mixture-of-Transformers: A Sparse and Scalable Architecture for Multi-Modal Foundation Models")
    '273076d7eb52429e'
    """
    return hashlib.sha1(normalize_title(title).encode("utf-8")).hexdigest()[:16]
