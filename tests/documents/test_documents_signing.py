"""Signing material from configuration, the development CA, and RFC 3161 timestamps."""

from __future__ import annotations

import datetime as dt

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from conftest import NOW, SCHOOL_NAME, SCHOOL_SLUG
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from samples import SAMPLES

from backend.documents.render import RenderRequest, SchoolInfo, render_pdf
from backend.documents.signing import (
    SigningNotConfigured,
    _dev_ca,
    issue_dev_certificate,
    load_school_signer,
    make_dev_ca,
    sign_pdf,
    write_pkcs12,
)
from backend.documents.untrusted_pdf import check_signature
from bot.config import load_settings

# Signatures are made at the real time, so certificates must be valid now (not at the fake NOW).
CERTIFICATE_TIME = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)


def unsigned_pdf() -> bytes:
    return render_pdf(
        RenderRequest(
            SchoolInfo(SCHOOL_SLUG, SCHOOL_NAME),
            "withdrawal_certificate",
            "AAAA",
            "https://school.example/verify/AAAA",
            NOW,
            {"data": SAMPLES["withdrawal_certificate"]},
        )
    )


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))



def signing_settings(data_dir, env):
    """The signing settings the product derives from these variables (development mode)."""
    return load_settings({"DATA_DIR": str(data_dir), **env}).signing

def test_dev_ca_makes_an_ec_p256_school_certificate(data_dir):
    paths = make_dev_ca(data_dir / "signing", SCHOOL_SLUG, SCHOOL_NAME, now=CERTIFICATE_TIME)

    cert = x509.load_pem_x509_certificate(paths.cert.read_bytes())
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == SCHOOL_NAME
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.content_commitment
    assert oct(paths.key.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(FileExistsError):
        make_dev_ca(data_dir / "signing", SCHOOL_SLUG, SCHOOL_NAME, now=CERTIFICATE_TIME)
    # A second school shares the development CA.
    other = make_dev_ca(data_dir / "signing", "other-school", "โรงเรียนอื่น", now=CERTIFICATE_TIME)
    assert other.chain.read_bytes() == paths.chain.read_bytes()


def test_without_signing_material_the_error_says_what_to_do(data_dir):
    with pytest.raises(
        SigningNotConfigured, match=f"schoolbot signing dev-ca --school {SCHOOL_SLUG}"
    ):
        load_school_signer(signing_settings(data_dir, {}), SCHOOL_SLUG)


def test_pkcs12_from_environment_signs_for_every_school(data_dir, tmp_path):
    ca_key, ca_cert = _dev_ca(tmp_path / "ca", CERTIFICATE_TIME)
    key, cert = issue_dev_certificate(ca_key, ca_cert, SCHOOL_NAME, now=CERTIFICATE_TIME)
    write_pkcs12(tmp_path / "school.p12", key, cert, [ca_cert], b"secret")
    settings = signing_settings(
        data_dir, {"SIGNING_PKCS12_FILE": str(tmp_path / "school.p12"), "SIGNING_PKCS12_PASSWORD": "secret"}
    )

    signer = load_school_signer(settings, "any-school")
    signed = sign_pdf(unsigned_pdf(), signer, reason="test")

    assert check_signature(signed, signer.trust_roots).ok
    assert not check_signature(
        signed, [to_asn1(_dev_ca(tmp_path / "other-ca", CERTIFICATE_TIME)[1])]
    ).trusted


def test_pem_from_environment_and_a_school_of_its_own_take_precedence(data_dir, tmp_path):
    ca_key, ca_cert = _dev_ca(tmp_path / "ca", CERTIFICATE_TIME)
    key, cert = issue_dev_certificate(ca_key, ca_cert, "ใบรับรองกลาง", now=CERTIFICATE_TIME)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    env = {
        "SIGNING_KEY_FILE": str(tmp_path / "key.pem"),
        "SIGNING_CERT_FILE": str(tmp_path / "cert.pem"),
        "SIGNING_TRUST_ROOTS": str(tmp_path / "ca" / "ca-cert.pem"),
    }
    make_dev_ca(data_dir / "signing", SCHOOL_SLUG, SCHOOL_NAME, now=CERTIFICATE_TIME)
    settings = signing_settings(data_dir, env)

    shared = load_school_signer(settings, "no-own-certificate")
    own = load_school_signer(settings, SCHOOL_SLUG)

    assert shared.certificate.subject.native["common_name"] == "ใบรับรองกลาง"
    assert own.certificate.subject.native["common_name"] == SCHOOL_NAME
    assert check_signature(sign_pdf(unsigned_pdf(), shared, reason="t"), shared.trust_roots).ok


def test_a_timestamp_is_added_when_a_tsa_is_configured(data_dir, tmp_path):
    # A TSA of our own in-process (pyHanko's DummyTimeStamper): no network in tests.
    make_dev_ca(data_dir / "signing", SCHOOL_SLUG, SCHOOL_NAME, now=CERTIFICATE_TIME)
    ca_key, ca_cert = _dev_ca(data_dir / "signing" / "dev-ca", CERTIFICATE_TIME)
    # pyHanko's dummy TSA signs with RSA only; the document itself is still signed with EC P-256.
    tsa_key, tsa_cert = issue_dev_certificate(
        ca_key,
        ca_cert,
        "Test TSA",
        now=CERTIFICATE_TIME,
        time_stamping=True,
        key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )
    timestamper = DummyTimeStamper(
        tsa_cert=to_asn1(tsa_cert),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        certs_to_embed=SimpleCertificateStore.from_certs([to_asn1(ca_cert)]),
        fixed_dt=dt.datetime.now(dt.UTC),
    )
    signer = load_school_signer(
        signing_settings(data_dir, {}), SCHOOL_SLUG, timestamper=timestamper
    )
    untimed = load_school_signer(signing_settings(data_dir, {}), SCHOOL_SLUG)

    timed_check = check_signature(sign_pdf(unsigned_pdf(), signer, reason="t"), signer.trust_roots)
    untimed_check = check_signature(
        sign_pdf(unsigned_pdf(), untimed, reason="t"), untimed.trust_roots
    )

    assert timed_check.ok and timed_check.timestamped
    assert untimed_check.ok and not untimed_check.timestamped


def test_tsa_url_from_configuration_gives_an_http_timestamper(data_dir):
    make_dev_ca(data_dir / "signing", SCHOOL_SLUG, SCHOOL_NAME, now=CERTIFICATE_TIME)
    settings = signing_settings(data_dir, {"SIGNING_TSA_URL": "http://tsa.example/tsr"})

    signer = load_school_signer(settings, SCHOOL_SLUG)

    assert signer.timestamper is not None and signer.timestamper.url == "http://tsa.example/tsr"
