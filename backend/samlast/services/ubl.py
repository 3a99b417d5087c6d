"""Reading UBL 2.1 documents (Peppol BIS): a safe parser, validation against the OASIS UBL 2.1
schemas, and errors that name the element (its path) and the XML line it is on, in the same shape
as the CSV import's row errors."""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from lxml import etree

from samlast.errors import ValidationFailed
from samlast.i18n import Message

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
MAX_BYTES = 5_000_000
#: No entities, no network, no huge trees: a document from outside is data, never instructions.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


class Errors(list):
    """The errors of one document, by element path and XML line. The schema's errors are kept
    apart (`schema`) and told with the reader's; where both name the same element and line, the
    reader's words (what Samlast needs of it) are told instead of the schema's."""

    def __init__(self) -> None:
        super().__init__()
        self.schema: list[dict] = []

    def add(self, element: Any, path: str, message: Message, value: str = "", line: int | None = None) -> None:
        row = line or getattr(element, "sourceline", None) or 1
        self.append({"row": row, "column": path, "value": value, "code": message.key, "message": message})

    def within(self, since: int, prefix: str) -> None:
        """Name the errors added since index `since` inside `prefix` ("cac:DespatchLine[2]")."""
        for error in self[since:]:
            error["column"] = f"{prefix}/{error['column']}"

    def _told_by_reader(self, error: dict) -> bool:
        if any((own["row"], own["column"]) == (error["row"], error["column"]) for own in self):
            return True
        # "An element is missing here: cbc:ID" on a parent whose missing cbc:ID the reader names.
        expected = error["message"].params.get("expected", "") if error["code"] == "ubl.schema.missing_child" else ""
        return any(own["column"].startswith(f"{error['column']}/") and own["column"].rsplit("/", 1)[-1] in expected
                   for own in self)  # fmt: skip

    def refuse(self, code: str) -> None:
        rows = sorted([*self, *(e for e in self.schema if not self._told_by_reader(e))], key=lambda e: e["row"])
        if rows:
            raise ValidationFailed(code, {"count": len(rows)}, {"rows": rows})


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


def schema_dir() -> Path:
    """Where scripts/fetch_ubl_schemas.py put the OASIS schemas (UBL_SCHEMA_DIR)."""
    return Path(current_app.config["UBL_SCHEMA_DIR"])


@functools.cache
def _schema(folder: Path, kind: str) -> Any:
    """The compiled schema of one document kind (about 0.4 s, once per process). Its imports are
    files next to it; libxml2 reads no network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(folder / "maindoc" / f"UBL-{kind}-2.1.xsd"), parser))


_NAMESPACE = re.compile(r"\{([^}]*)\}")
_PREFIXES = {CAC: "cac", CBC: "cbc"}
_EXPECTED = re.compile(r"Expected is (?:one of )?\( (.*) \)")
_NOT_VALID = re.compile(
    r"(?:^|: )'(.*)' is not a valid value of the (?:local )?(?:atomic|union|list) type(?: '([^']*)')?"
)
_ATTRIBUTE = re.compile(r"The attribute '([^']*)'")


def _names(text: str, root_namespace: str) -> str:
    """libxml2's "{urn:...CommonBasicComponents-2}ID" as the document writes it: "cbc:ID"."""
    prefixes = _PREFIXES | {root_namespace: ""}
    return _NAMESPACE.sub(lambda m: f"{prefixes[m.group(1)]}:" if prefixes.get(m.group(1)) else "", text)


def _schema_error(entry: Any, root_namespace: str) -> tuple[str, Message, str]:
    """(path, message in the word tables, value) for one libxml2 schema error."""
    path = re.sub(r"^/\*/?", "", entry.path or "") or "/"
    # libxml2 numbers an element only among same-named siblings; the readers always number lines.
    path = re.sub(r"^(cac:(?:Order|Despatch)Line)(?=/|$)", r"\1[1]", path)
    text = entry.message or ""
    element = _names(text.split("'", 2)[1], root_namespace) if text.startswith("Element '") else path
    expected = _EXPECTED.search(text)
    not_valid = _NOT_VALID.search(text)
    attribute = _ATTRIBUTE.search(text)
    if "Missing child element" in text and expected:
        return path, Message("ubl.schema.missing_child", expected=_names(expected.group(1), root_namespace)), ""
    if "This element is not expected" in text:
        if expected:
            return path, Message("ubl.schema.unexpected", element=element,
                                 expected=_names(expected.group(1), root_namespace)), ""  # fmt: skip
        return path, Message("ubl.schema.unexpected_here", element=element), ""
    if not_valid:
        typed = Message("ubl.schema.bad_value", type=not_valid.group(2)) if not_valid.group(2) else None
        return path, typed or Message("ubl.schema.bad_value_plain"), not_valid.group(1)
    if attribute and "is not allowed" in text:
        return path, Message("ubl.schema.attribute_not_allowed", attribute=attribute.group(1)), ""
    if attribute and "is required but missing" in text:
        return path, Message("ubl.schema.attribute_missing", attribute=attribute.group(1)), ""
    return path, Message("ubl.schema.other", detail=_names(text, root_namespace)), ""


def _leaf_text(root: Any, path: str | None, prefixes: dict[str, str]) -> str:
    """The text of the element at libxml2's `path` if it holds only text (what the file says there)."""
    try:
        found = root.getroottree().xpath(path, namespaces=prefixes) if path else []
    except etree.XPathError:  # a path in a namespace the document names without a prefix
        return ""
    element = found[0] if found else None
    return "" if element is None or len(element) else (element.text or "").strip()


def _validate(root: Any, kind: str, errors: Errors) -> None:
    """Every error of the document against the OASIS UBL 2.1 schema of its kind, into
    `errors.schema` (libxml2 reports all of them, except that inside one element it stops at the
    first child out of place)."""
    folder = schema_dir()
    if not (folder / "maindoc" / f"UBL-{kind}-2.1.xsd").is_file():
        errors.add(root, "/", Message("ubl.schemas_missing", folder=str(folder)))
        return
    schema = _schema(folder, kind)
    try:
        if schema.validate(root):
            return
    except etree.XMLSchemaValidateError:  # e.g. an entity reference left unresolved on purpose
        errors.add(root, "/", Message("ubl.schema.not_checkable"))
        return
    namespace = etree.QName(root).namespace or ""
    prefixes = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
    for entry in schema.error_log:
        path, message, value = _schema_error(entry, namespace)
        value = value or _leaf_text(root, entry.path, prefixes)
        errors.schema.append({"row": entry.line or 1, "column": path, "value": value, "code": message.key,
                              "message": message})  # fmt: skip


def read(data: bytes, kinds: dict[str, str], code: str) -> Document:
    """The document, if it is XML whose root is one of `kinds` (root element name -> customization
    prefix); else ValidationFailed(`code`). Its `errors` hold a wrong CustomizationID and what the
    UBL 2.1 schema of its kind refuses; the reader adds what Samlast cannot use and refuses them
    all at once."""
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
    _validate(root, kind, document.errors)
    return document
