"""PAdES signatures on issued documents: the school's key and certificate, timestamps, validation.

Where a school's signing material is found (first match wins):
  1. <keys_dir>/<school slug>/school.p12 (password in SIGNING_PKCS12_PASSWORD), or
     <keys_dir>/<school slug>/key.pem + cert.pem (+ chain.pem: issuing CA certificates), where
     keys_dir is SIGNING_DIR (development: DATA_DIR/signing);
  2. SIGNING_PKCS12_FILE + SIGNING_PKCS12_PASSWORD, or SIGNING_KEY_FILE + SIGNING_CERT_FILE
     (+ SIGNING_CHAIN_FILE, SIGNING_KEY_PASSWORD): one certificate for every school.
SIGNING_TSA_URL adds an RFC 3161 timestamp (PAdES B-T). SIGNING_TRUST_ROOTS (PEM file) adds roots
the verifier trusts besides the self-signed certificates of the chain itself.
`make_dev_ca` writes a development CA and school certificate for `schoolbot signing dev-ca`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization.pkcs12 import PKCS12PrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from backend.config import SigningSettings

# pyHanko (with pyhanko-certvalidator and its HTTP clients) takes about a second of CPU to import: it is
# imported by the functions that sign or validate, so that the processes that do neither start fast.
if TYPE_CHECKING:
    from pyhanko.sign import signers
    from pyhanko.sign.timestamps import TimeStamper

DEV_CA_DIR_NAME = "dev-ca"
SIGNATURE_FIELD = "SchoolSignature"


class SigningNotConfigured(RuntimeError):
    """No key and certificate for this school; the message says how to provide them."""


@dataclass
class SchoolSigner:
    """A loaded signer for one school, with the roots a verifier of its documents trusts."""

    signer: signers.SimpleSigner
    trust_roots: list[asn1_x509.Certificate]
    timestamper: TimeStamper | None = None

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self.signer.signing_cert


def school_signing_dir(keys_dir: Path, school_slug: str) -> Path:
    return keys_dir / school_slug


def load_school_signer(
    settings: SigningSettings, school_slug: str, *, timestamper: TimeStamper | None = None
) -> SchoolSigner:
    """The school's own material if it has some, else the deployment-wide one."""
    from pyhanko.sign import signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    own = school_signing_dir(settings.keys_dir, school_slug) if settings.keys_dir else None
    signer: signers.SimpleSigner | None = None
    if own is not None and (own / "school.p12").is_file():
        signer = signers.SimpleSigner.load_pkcs12(
            own / "school.p12", passphrase=settings.pkcs12_password
        )
    elif own is not None and (own / "key.pem").is_file() and (own / "cert.pem").is_file():
        chain = [own / "chain.pem"] if (own / "chain.pem").is_file() else None
        signer = signers.SimpleSigner.load(
            own / "key.pem",
            own / "cert.pem",
            ca_chain_files=chain,
            key_passphrase=settings.key_password,
        )
    elif settings.pkcs12_file:
        signer = signers.SimpleSigner.load_pkcs12(
            settings.pkcs12_file, passphrase=settings.pkcs12_password
        )
    elif settings.key_file and settings.cert_file:
        chain = [settings.chain_file] if settings.chain_file else None
        signer = signers.SimpleSigner.load(
            settings.key_file,
            settings.cert_file,
            ca_chain_files=chain,
            key_passphrase=settings.key_password,
        )
    if signer is None:
        raise SigningNotConfigured(
            f"no signing key for school {school_slug!r}: set SIGNING_PKCS12_FILE or "
            f"SIGNING_KEY_FILE/SIGNING_CERT_FILE, put key.pem+cert.pem in "
            f"{own or 'SIGNING_DIR/' + school_slug}, or run "
            f"`schoolbot signing dev-ca --school {school_slug}` for development"
        )
    if timestamper is None and settings.tsa_url:
        timestamper = HTTPTimeStamper(settings.tsa_url)
    roots = _self_signed([signer.signing_cert, *signer.cert_registry])
    if settings.trust_roots_file:
        roots.extend(_load_pem_certificates(settings.trust_roots_file.read_bytes()))
    return SchoolSigner(signer=signer, trust_roots=roots, timestamper=timestamper)


def _self_signed(certificates: Sequence[asn1_x509.Certificate]) -> list[asn1_x509.Certificate]:
    return [cert for cert in certificates if cert.self_signed in ("maybe", "yes")]


def _load_pem_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    return [
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
        for cert in x509.load_pem_x509_certificates(data)
    ]


def sign_pdf(
    pdf: bytes, school_signer: SchoolSigner, *, reason: str, location: str | None = None
) -> bytes:
    """Sign with an invisible PAdES signature (B-B, or B-T with a timestamper).

    Synchronous (pyHanko runs its own event loop): call it from a worker thread in async code.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        # The school certifies the document: no later change keeps the signature valid.
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    output = signers.sign_pdf(
        writer, metadata, signer=school_signer.signer, timestamper=school_signer.timestamper
    )
    return output.getvalue()


# ---------------------------------------------------------------------------------------------
# Development certificates


@dataclass(frozen=True)
class DevCertificates:
    ca_cert: Path
    key: Path
    cert: Path
    chain: Path


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _pem_key(key: PKCS12PrivateKeyTypes) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _dev_ca(ca_dir: Path, now: dt.datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key_path, cert_path = ca_dir / "ca-key.pem", ca_dir / "ca-cert.pem"
    if key_path.is_file() and cert_path.is_file():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("schoolbot development CA (not for production)", "schoolbot development")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, _pem_key(key))
    cert_path.write_bytes(_pem_cert(cert))
    return key, cert


def issue_dev_certificate(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    common_name: str,
    *,
    now: dt.datetime,
    days: int = 825,
    time_stamping: bool = False,
    key: PKCS12PrivateKeyTypes | None = None,
) -> tuple[PKCS12PrivateKeyTypes, x509.Certificate]:
    """An end-entity certificate for document signing (or, if asked, for a test TSA); a fresh
    EC P-256 key unless one is given."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not time_stamping,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return key, builder.sign(ca_key, hashes.SHA256())


def make_dev_ca(
    keys_dir: Path,
    school_slug: str,
    school_name: str,
    *,
    now: dt.datetime | None = None,
    overwrite: bool = False,
) -> DevCertificates:
    """A development CA (shared by all schools, reused if present) and a certificate for one school,
    written where `load_school_signer` looks. Refuses to replace a school's key unless told to."""
    now = now or dt.datetime.now(dt.UTC)
    ca_dir = keys_dir / DEV_CA_DIR_NAME
    school_dir = school_signing_dir(keys_dir, school_slug)
    paths = DevCertificates(
        ca_cert=ca_dir / "ca-cert.pem",
        key=school_dir / "key.pem",
        cert=school_dir / "cert.pem",
        chain=school_dir / "chain.pem",
    )
    if paths.key.exists() and not overwrite:
        raise FileExistsError(
            f"{paths.key} exists; pass overwrite=True to replace the school's key"
        )
    ca_key, ca_cert = _dev_ca(ca_dir, now)
    key, cert = issue_dev_certificate(ca_key, ca_cert, school_name, now=now)
    _write_private(paths.key, _pem_key(key))
    paths.cert.write_bytes(_pem_cert(cert))
    paths.chain.write_bytes(_pem_cert(ca_cert))
    return paths


def write_pkcs12(
    path: Path,
    key: PKCS12PrivateKeyTypes,
    cert: x509.Certificate,
    chain: Sequence[x509.Certificate],
    password: bytes,
) -> None:
    """Bundle a key and certificates as PKCS#12 (what CAs in Thailand usually hand out)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    data = pkcs12.serialize_key_and_certificates(
        b"school", key, cert, list(chain), serialization.BestAvailableEncryption(password)
    )
    _write_private(path, data)
