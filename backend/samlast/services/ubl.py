"""Reading UBL 2.1 documents (Peppol BIS): a safe parser and errors that name the element (its path)
and the XML line it is on, in the same shape as the CSV import's row errors."""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from samlast.errors import ValidationFailed
from samlast.i18n import Message

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
MAX_BYTES = 5_000_000
#: No entities, no network, no huge trees: a document from outside is data, never instructions.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


class Errors(list):
    def add(self, element: Any, path: str, message: Message, value: str = "", line: int | None = None) -> None:
        row = line or getattr(element, "sourceline", None) or 1
        self.append({"row": row, "column": path, "value": value, "code": message.key, "message": message})

    def within(self, since: int, prefix: str) -> None:
        """Name the errors added since index `since` inside `prefix` ("cac:DespatchLine[2]")."""
        for error in self[since:]:
            error["column"] = f"{prefix}/{error['column']}"

    def refuse(self, code: str) -> None:
        if self:
            raise ValidationFailed(code, {"count": len(self)}, {"rows": list(self)})


class Document:
    """One UBL document: its root and the namespaces of its paths ("cac:", "cbc:", "doc:")."""

    def __init__(self, root: Any, kind: str):
        self.root, self.kind = root, kind
        self.ns = {"cac": CAC, "cbc": CBC, "doc": etree.QName(root).namespace or ""}
        #: What is wrong so far; the reader adds the rest, so all errors are told at once.
        self.errors = Errors()

    def text(self, parent: Any, path: str) -> tuple[Any, str]:
        found = parent.find(path, self.ns)
        return found, ("" if found is None or found.text is None else found.text.strip())

    def required(self, parent: Any, path: str, errors: Errors) -> str:
        found, value = self.text(parent, path)
        if not value:
            errors.add(parent if found is None else found, path, Message("ubl.missing"))
        return value

    def date(self, parent: Any, path: str, errors: Errors, required: bool = True) -> date | None:
        found, value = self.text(parent, path)
        if not value:
            if required:
                errors.add(parent, path, Message("ubl.missing"))
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            errors.add(found, path, Message("ubl.not_a_date"), value)
            return None

    def ids(self, parent: Any, *paths: str) -> list[tuple[str, str]]:
        """(schemeID, value) of every non-empty element at the paths, e.g. a party's endpoint and
        identifications; none when `parent` is absent."""
        if parent is None:
            return []
        return [(element.get("schemeID", ""), element.text.strip()) for path in paths
                for element in parent.findall(path, self.ns) if element.text and element.text.strip()]  # fmt: skip

    def quantity(self, parent: Any, path: str, errors: Errors) -> tuple[float | None, str]:
        """A quantity of 0 or more and its unitCode."""
        found, value = self.text(parent, path)
        unit = (found.get("unitCode", "") if found is not None else "")[:8]
        if not value:
            errors.add(parent, path, Message("ubl.missing"))
            return None, unit
        try:
            number = float(value)
            if not 0 <= number <= 1e9:
                raise ValueError
        except ValueError:
            errors.add(found, path, Message("ubl.not_a_quantity"), value)
            return None, unit
        return number, unit


#: Where a party (seller, despatch supplier) names itself.
PARTY_ID_PATHS = ("cbc:EndpointID", "cac:PartyIdentification/cbc:ID")


def shown(ids: list[tuple[str, str]]) -> str:
    """Identifiers as the document gave them, for an error: "0088:7300009012345, S-1"."""
    return ", ".join(f"{scheme}:{value}" if scheme else value for scheme, value in ids)


def read(data: bytes, kinds: dict[str, str], code: str) -> Document:
    """The document, if it is XML whose root is one of `kinds` (root element name -> customization
    prefix); else ValidationFailed(`code`). A wrong CustomizationID is the first of its `errors`."""
    errors = Errors()
    if len(data) > MAX_BYTES:
        errors.add(None, "", Message("ubl.too_large"))
        errors.refuse(code)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        errors.add(None, "", Message("ubl.not_xml", detail=exc.msg), line=exc.lineno or 1)
        errors.refuse(code)
    kind = etree.QName(root).localname
    if kind not in kinds or not (etree.QName(root).namespace or "").startswith("urn:oasis:names:specification:ubl"):
        errors.add(root, "/", Message("ubl.wrong_document", expected=", ".join(kinds)), kind)
        errors.refuse(code)
    document = Document(root, kind)
    found, customization = document.text(root, "cbc:CustomizationID")
    if not customization.startswith(kinds[kind]):
        document.errors.add(root if found is None else found, "cbc:CustomizationID",
                            Message("ubl.customization", expected=kinds[kind]), customization)  # fmt: skip
    return document
