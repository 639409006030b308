"""DPD's SOAP faults.

Every error is a SOAP 1.1 ``Fault`` [SOAP 1.1 §4.4], in three families:

- **authentication** (LoginService and every call's ``authentication`` header): HTTP 500,
  ``faultcode`` ``soap:Server``, ``faultstring`` "Fault occured" (DPD's spelling) and the detail
  ``authenticationFault {errorCode, errorMessage}`` [SPEC ``Authentication20.xsd``; 3P karrio's
  captured fault]. Codes: ``DELICOM_ERR_AUTHENTICATION`` "Authentication failure, check delisId
  and password." (wrong login, and a token without the right structure), ``ERR_DELICOM_TOKEN_EXPIRED``
  (a token older than 24 hours), ``ERR_DELICOM_TOKEN_INCORRECT`` (a well-formed token DPD does not
  know) [DOC: DPD Belgium/Netherlands login-service pages; the last two messages INFER];
- **service** faults of ParcelLifeCycleService: HTTP 500, ``soap:Server``, detail ``faults
  {faultCode, message}`` [SPEC ``ParcelLifecycleServiceV20.xsd`` element ``faults``]; the sandbox's
  one is an unknown parcel [INFER: code and text];
- **client** faults — a request that is not a readable SOAP 1.1 envelope (not well-formed, a DTD,
  SOAP 1.2, no Body, an operation the service does not have): HTTP 400 [WS-I Basic Profile R1113
  allows 400 for a malformed request], ``soap:Client`` (``soap:VersionMismatch`` for SOAP 1.2), no
  detail [INFER].
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from mock_carriers.http.carrier_app import ErrorKind

from .envelope import AUTH_NS, PLC_NS, SoapError, element, soap_response

#: DPD's ``faultstring`` on its typed faults, misspelling included [3P karrio fixture].
FAULT_STRING = "Fault occured"

AUTHENTICATION = "DELICOM_ERR_AUTHENTICATION"
TOKEN_EXPIRED = "ERR_DELICOM_TOKEN_EXPIRED"
TOKEN_INCORRECT = "ERR_DELICOM_TOKEN_INCORRECT"
PARCEL_NOT_FOUND = "ERR_PARCEL_NOT_FOUND"

MESSAGES: dict[str, str] = {
    AUTHENTICATION: "Authentication failure, check delisId and password.",  # 3P / DOC
    TOKEN_EXPIRED: "The authentication token has expired, request a new one.",  # INFER
    TOKEN_INCORRECT: "The authentication token is not valid for this delisId.",  # INFER
    PARCEL_NOT_FOUND: "No tracking data found for this parcel label number.",  # INFER
}


def _fault(
    status: int, faultcode: str, faultstring: str, detail: str = "", headers: dict[str, str] | None = None
) -> Response:
    body = f"<soap:Fault>{element('faultcode', faultcode)}{element('faultstring', faultstring)}"
    if detail:
        body += f"<detail>{detail}</detail>"
    return soap_response(body + "</soap:Fault>", status, headers)


def authentication_fault(code: str) -> Response:
    detail = (
        f'<ns:authenticationFault xmlns:ns="{AUTH_NS}">'
        f"{element('errorCode', code)}{element('errorMessage', MESSAGES[code])}"
        "</ns:authenticationFault>"
    )
    return _fault(500, "soap:Server", FAULT_STRING, detail)


def service_fault(code: str) -> Response:
    inner = element("faultCode", code) + element("message", MESSAGES[code])
    detail = f'<ns:faults xmlns:ns="{PLC_NS}">{inner}</ns:faults>'
    return _fault(500, "soap:Server", FAULT_STRING, detail)


def client_fault(message: str, status: int = 400, faultcode: str = "soap:Client") -> Response:
    return _fault(status, faultcode, message)


def unreadable(error: SoapError) -> Response:
    """The answer to a request that is not a SOAP 1.1 envelope DPD could read."""
    return client_fault(
        error.message, faultcode="soap:VersionMismatch" if error.kind == "version" else "soap:Client"
    )


#: Framework failures → (faultcode, faultstring) [INFER: the SOAP 1.1 fault of the nearest meaning].
_FRAMEWORK: dict[ErrorKind, tuple[str, str]] = {
    "not_found": ("soap:Client", "There is no DPD web service at this address."),
    "method_not_allowed": ("soap:Client", "SOAP requests are sent with POST."),
    "bad_request": ("soap:Client", "The request could not be read."),
    "payload_too_large": ("soap:Client", "The request is too large."),
    "internal": ("soap:Server", "Server was unable to process request."),
}


def render_error(request: Request, status: int, kind: ErrorKind, message: str) -> Response:
    """Every framework-level failure (unknown path, wrong method, huge body, crash) as a SOAP fault."""
    faultcode, faultstring = _FRAMEWORK.get(kind, _FRAMEWORK["internal"])
    return _fault(status, faultcode, faultstring)


# --- injected faults and rate limits (the sandbox's fault layer) -----------------------------------


def rate_limited(request: Request, retry_after: int | None = None, daily: bool = False) -> Response:
    """429 [INFER: DPD documents a limit of 10 logins a day and "rate limiting applies" to tracking,
    but not the answer; a ``soap:Server`` fault and ``Retry-After`` when the limit says so]."""
    text = "Daily request limit exceeded." if daily else "Too many requests."
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return _fault(429, "soap:Server", text, headers=headers)


def server_error(request: Request, status: int) -> Response:
    """5xx: .NET's "Server was unable to process request." fault [INFER for 502/503/504]."""
    return _fault(status, "soap:Server", _FRAMEWORK["internal"][1])
