"""Digital signatures on a PDF letter (ký số, PAdES), checked with pyHanko: who signed (the
certificate's CN and O), when, whether the document is unchanged since, and apart from
that whether the certificate comes from an issuer this server trusts (the PEM bundle
named by settings.LETTER_TRUST_ROOTS; none by default, so every certificate is
reported as not from a trusted issuer). Nothing is fetched from the network: no
revocation lists, no OCSP."""

import datetime
import io
import logging
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignatureFacts:
    signer: str  # the certificate's subject CN
    organization: str  # its O
    signed_at: datetime.datetime | None  # a timestamp's time, else what the signer said
    intact: bool  # the signed bytes unchanged, nothing but signatures added after them
    trusted: bool  # the certificate chains to a trusted root

    def as_json(self) -> dict:
        facts = asdict(self)
        facts["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        return facts

    @classmethod
    def from_json(cls, facts: dict) -> "SignatureFacts":
        at = facts.get("signed_at")
        return cls(
            signer=facts.get("signer", ""),
            organization=facts.get("organization", ""),
            signed_at=datetime.datetime.fromisoformat(at) if at else None,
            intact=bool(facts.get("intact")),
            trusted=bool(facts.get("trusted")),
        )


class _UntrustedIsNoNews(logging.Filter):
    """Most letters come signed under a CA this server does not know: the page says so;
    pyHanko's warning with a traceback for each would only fill the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Failed to build path", "Failed to validate"))


logging.getLogger("pyhanko.sign.validation.generic_cms").addFilter(_UntrustedIsNoNews())


def signatures(data: bytes) -> list[SignatureFacts]:
    """The facts of each signature in the PDF, in the order they were made; none for a
    PDF pyHanko cannot open (its text is still read)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="DSA is deprecated")  # pyHanko's import
        import pyhanko.sign.validation  # noqa: F401  (imported here, under the filter)
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko_certvalidator import ValidationContext
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            reader.decrypt("")
        embedded = list(reader.embedded_signatures)
    except Exception as error:  # a PDF pdfminer reads and pyHanko does not
        logger.info("importer: signatures not read: %r", error)
        return []
    if not embedded:
        return []
    context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
    return [_facts(signature, context) for signature in embedded]


def _facts(embedded, context) -> SignatureFacts:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel

    subject = _subject(embedded.signer_cert)
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception as error:  # a signature pyHanko cannot even check is not intact
        logger.info("importer: signature not checked: %r", error)
        return SignatureFacts(**subject, signed_at=None, intact=False, trusted=False)
    covered = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.FORM_FILLING
        and status.docmdp_ok is not False
    )
    stamp = status.timestamp_validity
    return SignatureFacts(
        **subject,
        signed_at=stamp.timestamp if stamp else status.signer_reported_dt,
        intact=bool(status.intact and status.valid and covered),
        trusted=bool(status.trusted),
    )


def _subject(certificate) -> dict:
    names = certificate.subject.native if certificate is not None else {}

    def one(key: str) -> str:
        value = names.get(key, "")
        return ", ".join(value) if isinstance(value, list) else str(value)

    return {"signer": one("common_name"), "organization": one("organization_name")}


def _trust_roots() -> list:
    from asn1crypto import pem, x509

    path = settings.LETTER_TRUST_ROOTS
    if not path:
        return []
    try:
        data = Path(path).read_bytes()
        if pem.detect(data):
            return [x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, multiple=True)]
        return [x509.Certificate.load(data)]
    except (OSError, ValueError) as error:
        logger.error("importer: LETTER_TRUST_ROOTS (%s) not read: %r", path, error)
        return []
