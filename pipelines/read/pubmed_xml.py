"""PubMed XML as E-utilities efetch returns it (`<PubmedArticleSet>`) → record fields.

Parsed safely: a document that declares entities is refused before parsing (that is how entity
expansion and external-entity attacks arrive), the DTD PubMed names is never fetched or loaded.
"""

from __future__ import annotations

import io
import re
from typing import Any

from lxml import etree

from pipelines.read.errors import FileError, ParseIssue
from pipelines.read.text import month_number, year_number

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def read_pubmed_xml(data: bytes) -> tuple[list[dict[str, Any]], list[ParseIssue]]:
    declaration = _ENTITY_DECLARATION.search(data)
    if declaration:
        raise FileError(
            "unsafe_xml",
            "XML declares entities (<!ENTITY …>); entity expansion and external entities are refused. PubMed's efetch never sends them: download the file again",
            data[: declaration.start()].count(b"\n") + 1,
        )
    readers = {"PubmedArticle": _article, "PubmedBookArticle": _book}
    records: list[dict[str, Any]] = []
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), **_PARSER_OPTIONS)
    depth = 0
    try:
        for event, element in events:
            depth += 1 if event == "start" else -1
            if event == "start" and depth == 1 and element.tag != "PubmedArticleSet":
                raise FileError(
                    "unknown_format",
                    f"XML root is <{element.tag}>, not <PubmedArticleSet> (PubMed efetch XML)",
                    element.sourceline,
                )
            if event == "end" and depth == 1 and element.tag in readers:
                records.append(readers[element.tag](element))
                element.clear(keep_tail=True)  # one record in memory at a time
    except etree.XMLSyntaxError as exc:
        # The records before the break are whole and kept; the file is reported where it broke.
        issue = ParseIssue(
            exc.lineno or 1,
            "unreadable",
            f"not well-formed XML: {exc.msg}; the {len(records)} records before this line are kept",
        )
        if not records:
            raise FileError(issue.error, f"not well-formed XML: {exc.msg}", exc.lineno) from exc
        return records, [issue]
    return records, []


def _article(article: etree._Element) -> dict[str, Any]:
    citation = article.find("MedlineCitation")
    journal = article.find("MedlineCitation/Article/Journal")
    issue = journal.find("JournalIssue") if journal is not None else None
    publication_types = _texts(
        article, "MedlineCitation/Article/PublicationTypeList/PublicationType"
    )
    retractions = [
        f"Retraction in: {_text(comment, 'RefSource')}"
        for comment in article.iterfind(
            "MedlineCitation/CommentsCorrectionsList/CommentsCorrections[@RefType='RetractionIn']"
        )
    ]
    return {
        "line_no": article.sourceline,
        "pmid": _text(citation, "PMID"),
        "doi": _text(article, "PubmedData/ArticleIdList/ArticleId[@IdType='doi']")
        or _text(article, "MedlineCitation/Article/ELocationID[@EIdType='doi']"),
        "title": _text(article, "MedlineCitation/Article/ArticleTitle"),
        "authors": [_author(author) for author in article.iterfind(".//AuthorList/Author")],
        "journal": _text(journal, "ISOAbbreviation")
        or _text(citation, "MedlineJournalInfo/MedlineTA"),
        "journal_full": _text(journal, "Title"),
        "year": year_number(_text(issue, "PubDate/Year") or _text(issue, "PubDate/MedlineDate")),
        "month": month_number(_text(issue, "PubDate/Month")),
        "volume": _text(issue, "Volume"),
        "issue": _text(issue, "Issue"),
        "pages": _text(article, "MedlineCitation/Article/Pagination/MedlinePgn") or _pages(article),
        "publication_types": publication_types,
        "retracted": "Retracted Publication" in publication_types or bool(retractions),
        "retraction_note": "; ".join(retractions) or None,
    }


def _book(article: etree._Element) -> dict[str, Any]:
    """A Bookshelf record: the chapter or book title, the book's publisher and date."""
    document = article.find("BookDocument")
    publication_types = _texts(document, "PublicationType")
    return {
        "line_no": article.sourceline,
        "pmid": _text(document, "PMID"),
        "doi": _text(document, "ArticleIdList/ArticleId[@IdType='doi']"),
        "title": _text(document, "ArticleTitle") or _text(document, "Book/BookTitle"),
        "authors": [_author(author) for author in document.iterfind(".//AuthorList/Author")],
        "journal": None,
        "journal_full": _text(document, "Book/BookTitle"),
        "year": year_number(_text(document, "Book/PubDate/Year")),
        "month": month_number(_text(document, "Book/PubDate/Month")),
        "volume": None,
        "issue": None,
        "pages": None,
        "publication_types": publication_types,
        "retracted": "Retracted Publication" in publication_types,
        "retraction_note": None,
    }


def _author(author: etree._Element) -> str:
    collective = _text(author, "CollectiveName")
    if collective:
        return collective
    return " ".join(part for part in (_text(author, "LastName"), _text(author, "Initials")) if part)


def _pages(article: etree._Element) -> str | None:
    start = _text(article, "MedlineCitation/Article/Pagination/StartPage")
    end = _text(article, "MedlineCitation/Article/Pagination/EndPage")
    return f"{start}-{end}" if start and end else start


def _text(element: etree._Element | None, path: str) -> str | None:
    """All text under the first match (titles hold <i>, <sup> …), spaces folded; None when empty."""
    found = element.find(path) if element is not None else None
    text = " ".join("".join(found.itertext()).split()) if found is not None else ""
    return text or None


def _texts(element: etree._Element, path: str) -> list[str]:
    return [" ".join("".join(found.itertext()).split()) for found in element.iterfind(path)]
