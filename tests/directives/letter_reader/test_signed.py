"""A letter signed digitally (ký số, PAdES) as e-office systems send it: the review page
says who signed (the certificate's CN and O), when, whether the document is unchanged
since, and, apart, whether the certificate comes from a trusted issuer. The certificates
are made here: a test CA and a signer's certificate under it."""

import datetime
import io
import warnings
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from directives.letter_reader import read_text
from directives.letter_reader.files import read_file
from directives.models import Directive

from ...conftest import login
from .test_pdf import ISSUER, SIGNER, assert_the_letter, letter_pdf

pytestmark = pytest.mark.django_db


@dataclass
class Certificates:
    ca_pem: bytes
    signer: object  # pyhanko's SimpleSigner


def _name(common_name: str, organization: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(subject, issuer, public_key, issuer_key, *, ca: bool):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def make_certificates() -> Certificates:
    """A test CA and the signer's certificate it issued (Trần Văn Bình, of the province)."""
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="DSA is deprecated")
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("CA thử nghiệm Đôn đốc", "Đôn đốc")
    ca = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    cert = _certificate(_name(SIGNER, ISSUER), ca_name, key.public_key(), ca_key, ca=False)
    der = serialization.Encoding.DER
    signer = signers.SimpleSigner(
        signing_cert=x509.Certificate.load(cert.public_bytes(der)),
        signing_key=keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [x509.Certificate.load(ca.public_bytes(der))]
        ),
    )
    return Certificates(ca.public_bytes(serialization.Encoding.PEM), signer)


@pytest.fixture(scope="module")
def certificates() -> Certificates:
    return make_certificates()


def sign(pdf: bytes, certificates: Certificates) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    meta = signers.PdfSignatureMetadata(field_name="ChuKySo")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, meta, signer=certificates.signer).getvalue()


def changed_after_signing(signed: bytes) -> bytes:
    """Something drawn on the page in an update appended after the signature."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stream = generic.StreamObject(stream_data=b"q 0 0 1 rg 100 100 200 50 re f Q")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tampered(signed: bytes) -> bytes:
    """One byte of the signed content changed in place (the PDF's own info, in clear)."""
    at = signed.index(b"/Producer")
    return signed[:at] + b"/Producex" + signed[at + len(b"/Producer") :]


def signed_letter(certificates: Certificates) -> bytes:
    return sign(letter_pdf(), certificates)


def test_a_signed_pdf_says_who_signed_when_and_that_nothing_changed(certificates):
    before = timezone.now()

    reading = read_file("ky-so.pdf", signed_letter(certificates))

    assert_the_letter(read_text(reading.text))
    [signature] = reading.signatures
    assert (signature.signer, signature.organization) == (SIGNER, ISSUER)
    assert before - datetime.timedelta(minutes=1) <= signature.signed_at <= timezone.now()
    assert signature.intact is True
    assert signature.trusted is False  # the test CA is nobody's trusted root


def test_a_certificate_from_a_trusted_root_is_trusted(certificates, settings, tmp_path):
    roots = tmp_path / "goc-tin-cay.pem"
    roots.write_bytes(certificates.ca_pem)
    settings.LETTER_TRUST_ROOTS = str(roots)

    [signature] = read_file("ky-so.pdf", signed_letter(certificates)).signatures

    assert (signature.intact, signature.trusted) == (True, True)


@pytest.mark.parametrize("change", [changed_after_signing, tampered])
def test_a_pdf_changed_after_signing_is_not_intact(change, certificates):
    reading = read_file("ky-so.pdf", change(signed_letter(certificates)))

    [signature] = reading.signatures
    assert signature.signer == SIGNER
    assert signature.intact is False
    assert read_text(reading.text).number == "215/UBND-VX"


def test_an_unsigned_pdf_has_no_signature():
    assert read_file("cong-van.pdf", letter_pdf()).signatures == []


def test_the_review_page_and_the_directive_page_say_who_signed(certificates, reviewer):
    from ..test_letter_review import _accept

    client = login(reviewer)

    review = client.post(
        reverse("directives:import"),
        {"file": SimpleUploadedFile("ky-so.pdf", signed_letter(certificates))},
    )

    page = review.content.decode()
    assert 'id="signatures"' in page
    assert f"{SIGNER} ({ISSUER})" in page
    assert "Văn bản không bị sửa đổi sau khi ký." in page
    assert "Chứng thư số không do nơi tin cậy cấp." in page
    client.post(reverse("directives:import_save"), _accept(review))
    directive = Directive.objects.get()
    detail = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert f"{SIGNER} ({ISSUER})" in detail
    assert "ky-so.pdf" in detail


def test_the_review_page_warns_of_a_change_after_signing(certificates, reviewer):
    changed = changed_after_signing(signed_letter(certificates))

    review = login(reviewer).post(
        reverse("directives:import"), {"file": SimpleUploadedFile("ky-so.pdf", changed)}
    )

    page = review.content.decode()
    assert "Văn bản đã bị sửa đổi sau khi ký" in page
