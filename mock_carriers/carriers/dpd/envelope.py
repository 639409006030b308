"""SOAP 1.1 on the wire: reading a request envelope safely, writing a response envelope.

Reading goes through ``defusedxml`` with DTDs forbidden outright, so no entity is ever declared,
let alone expanded (billion laughs, quadratic blow-up, external entities); bodies are already
capped at 1 MiB by the carrier app. A request DPD could not read is a ``SoapError`` the routes turn
into a SOAP fault — never a traceback.

Element names are matched by local name inside the service's namespace: DPD's schemas make the
operation element qualified and its parameters unqualified (``form="unqualified"``), and clients
differ in how faithfully they follow that (karrio qualifies only the operation) [SPEC XSDs; 3P].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from fastapi.responses import Response

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
AUTH_NS = "http://dpd.com/common/service/types/Authentication/2.0"
LOGIN_NS = "http://dpd.com/common/service/types/LoginService/2.1"
PLC_NS = "http://dpd.com/common/service/types/ParcelLifeCycleService/2.0"
#: SOAP 1.1's media type [SOAP 1.1 §6.1.1]; DPD's .NET services add the charset.
CONTENT_TYPE = "text/xml; charset=utf-8"

ErrorKind = Literal["malformed", "forbidden", "version", "not_soap"]


class SoapError(Exception):
    """A request that is not a readable SOAP 1.1 envelope."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True, slots=True)
class Authentication:
    """The ``authentication`` header [SPEC ``Authentication20.xsd``]; a missing child is None."""

    delis_id: str | None
    auth_token: str | None
    message_language: str | None


@dataclass(frozen=True, slots=True)
class SoapRequest:
    namespace: str
    operation: str
    params: dict[str, str] = field(default_factory=dict)
    auth: Authentication | None = None


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _children(element: Element) -> dict[str, str]:
    """Child local name → its text (stripped; the first of repeated ones)."""
    out: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        _, local = _split(child.tag)
        out.setdefault(local, (child.text or "").strip())
    return out


def parse(body: bytes) -> SoapRequest:
    """The operation, its parameters and the ``authentication`` header of a SOAP 1.1 request."""
    if not body.strip():
        raise SoapError("malformed", "The request body is empty; a SOAP envelope is expected.")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise SoapError("forbidden", "Document type declarations and entities are not accepted.") from None
    except (ParseError, ValueError) as exc:
        raise SoapError("malformed", f"The request is not well-formed XML: {exc}") from None
    namespace, local = _split(root.tag)
    if local == "Envelope" and namespace == SOAP12_NS:
        raise SoapError("version", "SOAP 1.2 is not supported; send a SOAP 1.1 envelope.")
    if (namespace, local) != (SOAP_NS, "Envelope"):
        raise SoapError("not_soap", "The request is not a SOAP 1.1 envelope.")
    header = root.find(f"{{{SOAP_NS}}}Header")
    body_element = root.find(f"{{{SOAP_NS}}}Body")
    if body_element is None:
        raise SoapError("not_soap", "The SOAP envelope has no Body.")
    operation = next((child for child in body_element if isinstance(child.tag, str)), None)
    if operation is None:
        raise SoapError("not_soap", "The SOAP Body is empty.")
    auth = None
    if header is not None:
        element = header.find(f"{{{AUTH_NS}}}authentication")
        if element is not None:
            values = _children(element)
            auth = Authentication(
                values.get("delisId") or None,
                values.get("authToken") or None,
                values.get("messageLanguage") or None,
            )
    op_namespace, op_name = _split(operation.tag)
    return SoapRequest(op_namespace, op_name, _children(operation), auth)


def envelope(body: str) -> str:
    """A SOAP 1.1 envelope as DPD's .NET services write it (prefix ``soap``, xsi/xsd declared)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"<soap:Body>{body}</soap:Body></soap:Envelope>"
    )


def text(value: str) -> str:
    """Character data, escaped for an element's content."""
    return escape(value)


def element(name: str, value: str) -> str:
    return f"<{name}>{escape(value)}</{name}>"


def soap_response(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        envelope(body).encode("utf-8"), status_code=status, media_type=CONTENT_TYPE, headers=headers
    )
