"""A throw-away CA, and a certificate for localhost and 127.0.0.1 signed by it, made at start.

Clients verify TLS against the printed CA (``ca_path``), never switch verification off.
"""

import datetime
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _certificate(common_name, key, issuer, issuer_key, *extensions):
    # Key usage and key identifiers: strict verifiers (Python 3.13's VERIFY_X509_STRICT) insist on them.
    now, is_ca = datetime.datetime.now(datetime.timezone.utc), issuer is None
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "hwcloud.drs emulator"),
                         x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    usage = dict.fromkeys(("content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
                           "encipher_only", "decipher_only"), False)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject if is_ca else issuer.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=0 if is_ca else None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=is_ca, crl_sign=is_ca, **usage),
                              critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def generate_certificates(directory):
    """Write ca.pem, server.pem and server-key.pem into directory; return their paths."""
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("hwcloud.drs emulator CA", ca_key, None, None)
    server = _certificate(
        "localhost", server_key, ca, ca_key, x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
        x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
        x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()))
    paths = [os.path.join(directory, name) for name in ("ca.pem", "server.pem", "server-key.pem")]
    key = server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    for path, data in zip(paths, (ca.public_bytes(serialization.Encoding.PEM),
                                  server.public_bytes(serialization.Encoding.PEM), key)):
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if data is key else 0o644), "wb") as handle:
            handle.write(data)
    return tuple(paths)
