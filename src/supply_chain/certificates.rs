//! What a signing certificate says: subject, issuer, validity, the
//! identities in its subject alternative names, and (Fulcio's keyless
//! certificates) the OIDC issuer that vouched for the identity; and a
//! Notation signature's JWS envelope with its certificate chain. Read with
//! RustCrypto's x509-cert: nothing here verifies a chain or evaluates a
//! trust policy, and the views say so.

use base64::Engine as _;
use x509_cert::Certificate;
use x509_cert::der::asn1::{ObjectIdentifier, Utf8StringRef};
use x509_cert::der::{Decode, DecodePem as _};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

pub use crate::model::{CertSummary, NotationSignature};

/// Fulcio's OIDC issuer extensions (Sigstore's OID registry): `.1.1` holds
/// the issuer's URL as raw bytes, `.1.8` as a DER UTF8String.
const FULCIO_ISSUER_V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");
const FULCIO_ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");

/// What one certificate says.
pub fn summary(cert: &Certificate) -> CertSummary {
    let tbs = cert.tbs_certificate();
    let identities = tbs
        .get_extension::<SubjectAltName>()
        .ok()
        .flatten()
        .map(|(_, san)| {
            san.0
                .iter()
                .filter_map(|g| match g {
                    GeneralName::Rfc822Name(s)
                    | GeneralName::UniformResourceIdentifier(s)
                    | GeneralName::DnsName(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let oidc_issuer = tbs.extensions().into_iter().flatten().find_map(|e| {
        let bytes = e.extn_value.as_bytes();
        if e.extn_id == FULCIO_ISSUER_V2 {
            Utf8StringRef::from_der(bytes).ok().map(|s| s.to_string())
        } else if e.extn_id == FULCIO_ISSUER_V1 {
            std::str::from_utf8(bytes).ok().map(str::to_owned)
        } else {
            None
        }
    });
    CertSummary {
        subject: tbs.subject().to_string(),
        issuer: tbs.issuer().to_string(),
        not_before: tbs.validity().not_before.to_string(),
        not_after: tbs.validity().not_after.to_string(),
        identities,
        oidc_issuer,
    }
}

/// Every certificate of a PEM text (one or a chain).
pub fn from_pem(pem: &str) -> Result<Vec<CertSummary>, String> {
    let certs = Certificate::load_pem_chain(pem.trim().as_bytes())
        .or_else(|_| Certificate::from_pem(pem.trim().as_bytes()).map(|c| vec![c]))
        .map_err(|e| format!("the certificate is not PEM X.509 ({e})"))?;
    Ok(certs.iter().map(summary).collect())
}

fn b64url(s: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|e| format!("not base64url ({e})"))
}

/// Reads a Notation signature envelope in JWS JSON serialization
/// (`application/jose+json`, Notary Project's signature specification):
/// the protected header's algorithm, signing scheme, signing time and
/// expiry, the unprotected header's signing agent and `x5c` chain.
pub fn parse_notation_jws(bytes: &[u8]) -> Result<NotationSignature, String> {
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the envelope is not JSON ({e})"))?;
    let protected = v["protected"]
        .as_str()
        .ok_or("the envelope has no protected header")?;
    let header: serde_json::Value = serde_json::from_slice(&b64url(protected)?)
        .map_err(|e| format!("the protected header is not JSON ({e})"))?;
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let mut chain = Vec::new();
    for c in v["header"]["x5c"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let der = base64::engine::general_purpose::STANDARD
            .decode(c.as_str().unwrap_or_default())
            .map_err(|e| format!("an x5c certificate is not base64 ({e})"))?;
        let cert = Certificate::from_der(&der)
            .map_err(|e| format!("an x5c certificate is not X.509 ({e})"))?;
        chain.push(summary(&cert));
    }
    if chain.is_empty() {
        return Err("the envelope carries no certificate chain (x5c)".into());
    }
    Ok(NotationSignature {
        algorithm: s(&header["alg"]),
        signing_scheme: s(&header["io.cncf.notary.signingScheme"]),
        signing_time: s(&header["io.cncf.notary.signingTime"]),
        expiry: s(&header["io.cncf.notary.expiry"]),
        signing_agent: s(&v["header"]["io.cncf.notary.signingAgent"]),
        chain,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_is_said_not_panicked_on() {
        assert!(from_pem("not a certificate").is_err());
        assert!(parse_notation_jws(b"{}").unwrap_err().contains("protected"));
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"PS256"}"#);
        let no_chain = format!(r#"{{"protected":"{header}","header":{{}}}}"#);
        assert!(
            parse_notation_jws(no_chain.as_bytes())
                .unwrap_err()
                .contains("x5c")
        );
        let bad_cert = format!(r#"{{"protected":"{header}","header":{{"x5c":["AAAA"]}}}}"#);
        assert!(
            parse_notation_jws(bad_cert.as_bytes())
                .unwrap_err()
                .contains("X.509")
        );
    }
}
