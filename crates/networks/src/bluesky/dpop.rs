//! DPoP (RFC 9449) for Bluesky OAuth: the P-256 key a grant is bound to (kept as a private JWK), the proofs
//! (ES256 JWTs carrying the public key in their header, with `htm`, `htu`, `iat`, `jti`, the server's `nonce` and,
//! towards the PDS, `ath`), and the nonce each server last gave. The key never appears in `Debug` output.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use rand::RngCore;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;

use super::xrpc::protocol;
use crate::NetworkError;

/// The key a grant's tokens are bound to.
#[derive(Clone)]
pub struct DpopKey {
    key: SigningKey,
}

impl std::fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DpopKey(<redacted>)")
    }
}

impl DpopKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        DpopKey { key: SigningKey::random(&mut rand::rngs::OsRng) }
    }

    /// Reads the private JWK written by [`DpopKey::to_private_jwk`].
    pub fn from_private_jwk(jwk: &str) -> Result<Self, NetworkError> {
        let value: Value = serde_json::from_str(jwk).map_err(|_| protocol("the DPoP key is not a JWK"))?;
        if value["kty"] != "EC" || value["crv"] != "P-256" {
            return Err(protocol("the DPoP key is not a P-256 key"));
        }
        let d =
            value["d"].as_str().and_then(|d| B64.decode(d).ok()).ok_or_else(|| protocol("the DPoP key has no d"))?;
        let key = SigningKey::from_slice(&d).map_err(|_| protocol("the DPoP key is not a valid P-256 scalar"))?;
        Ok(DpopKey { key })
    }

    /// The private key as a JWK (a secret: seal it).
    pub fn to_private_jwk(&self) -> String {
        let mut jwk = self.public_jwk();
        jwk["d"] = Value::String(B64.encode(self.key.to_bytes()));
        jwk.to_string()
    }

    /// The public key as a JWK (`kty`, `crv`, `x`, `y`), as the proofs' header carries it.
    pub fn public_jwk(&self) -> Value {
        let point = self.key.verifying_key().to_encoded_point(false);
        let x = point.x().map(|x| B64.encode(x)).unwrap_or_default();
        let y = point.y().map(|y| B64.encode(y)).unwrap_or_default();
        json!({ "kty": "EC", "crv": "P-256", "x": x, "y": y })
    }

    /// A proof for `method` on `url` (its query and fragment left out), made at `iat` (seconds since the epoch),
    /// with the server's `nonce` and, for a resource request, the access token it goes with.
    pub fn proof(&self, method: &str, url: &Url, iat: i64, nonce: Option<&str>, access_token: Option<&str>) -> String {
        let header = json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": self.public_jwk() });
        let mut claims = json!({
            "jti": random_token(16),
            "htm": method,
            "htu": htu(url),
            "iat": iat,
        });
        if let Some(nonce) = nonce {
            claims["nonce"] = Value::String(nonce.to_owned());
        }
        if let Some(token) = access_token {
            claims["ath"] = Value::String(B64.encode(Sha256::digest(token.as_bytes())));
        }
        let signing_input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
        let signature: Signature = self.key.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", B64.encode(signature.to_bytes()))
    }
}

/// The `htu` of a request: its URL without query and fragment.
pub(crate) fn htu(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// `n` random bytes, base64url.
pub(crate) fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    B64.encode(bytes)
}

/// The last `DPoP-Nonce` each server (by origin) gave.
#[derive(Debug, Default)]
pub(crate) struct Nonces {
    by_origin: Mutex<HashMap<String, String>>,
}

impl Nonces {
    pub(crate) fn get(&self, url: &Url) -> Option<String> {
        self.by_origin.lock().ok()?.get(&url.origin().ascii_serialization()).cloned()
    }

    /// Keeps the nonce of a response, if it carries one.
    pub(crate) fn remember(&self, url: &Url, headers: &reqwest::header::HeaderMap) {
        let Some(nonce) = headers.get("dpop-nonce").and_then(|v| v.to_str().ok()) else { return };
        if let Ok(mut map) = self.by_origin.lock() {
            map.insert(url.origin().ascii_serialization(), nonce.to_owned());
        }
    }
}

/// Whether an answer asks for the request again with the nonce it gave: 400 `use_dpop_nonce` from an authorization
/// server (in its JSON body), 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"` from a resource server.
pub(crate) fn asks_for_nonce(status: reqwest::StatusCode, headers: &reqwest::header::HeaderMap, body: &[u8]) -> bool {
    if status == reqwest::StatusCode::UNAUTHORIZED
        && headers
            .get_all(reqwest::header::WWW_AUTHENTICATE)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.contains("use_dpop_nonce")))
    {
        return true;
    }
    (status == reqwest::StatusCode::BAD_REQUEST || status == reqwest::StatusCode::UNAUTHORIZED)
        && serde_json::from_slice::<Value>(body).is_ok_and(|v| v["error"] == "use_dpop_nonce")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;

    fn decode(part: &str) -> Value {
        serde_json::from_slice(&B64.decode(part).unwrap()).unwrap()
    }

    /// The verifying key named by a JWK, as a server reads it.
    fn key_of(jwk: &Value) -> VerifyingKey {
        let mut sec1 = vec![4u8];
        sec1.extend(B64.decode(jwk["x"].as_str().unwrap()).unwrap());
        sec1.extend(B64.decode(jwk["y"].as_str().unwrap()).unwrap());
        VerifyingKey::from_sec1_bytes(&sec1).unwrap()
    }

    #[test]
    fn a_proof_is_an_es256_jwt_signed_by_the_key_in_its_header_with_the_request_claims() {
        let key = DpopKey::generate();
        let url = Url::parse("https://pds.example/xrpc/com.atproto.repo.createRecord?x=1#f").unwrap();
        let proof = key.proof("POST", &url, 1_700_000_000, Some("n0nce"), Some("access-token"));
        let parts: Vec<&str> = proof.split('.').collect();
        assert_eq!(parts.len(), 3);
        let (header, claims) = (decode(parts[0]), decode(parts[1]));
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert!(header["jwk"].get("d").is_none(), "the header must not carry the private key");
        assert_eq!(header["jwk"], key.public_jwk());
        let signature = Signature::from_slice(&B64.decode(parts[2]).unwrap()).unwrap();
        key_of(&header["jwk"]).verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature).unwrap();
        assert_eq!(claims["htm"], "POST");
        assert_eq!(claims["htu"], "https://pds.example/xrpc/com.atproto.repo.createRecord");
        assert_eq!(claims["iat"], 1_700_000_000);
        assert_eq!(claims["nonce"], "n0nce");
        assert_eq!(claims["ath"], B64.encode(Sha256::digest(b"access-token")));
        assert!(claims["jti"].as_str().unwrap().len() >= 16);
        let again = decode(key.proof("POST", &url, 1_700_000_000, None, None).split('.').nth(1).unwrap());
        assert_ne!(again["jti"], claims["jti"], "every proof has its own jti");
        assert!(again.get("nonce").is_none() && again.get("ath").is_none());
        // A proof signed by another key does not verify against this header's key.
        let other = DpopKey::generate().proof("POST", &url, 1, None, None);
        let other_sig = Signature::from_slice(&B64.decode(other.split('.').nth(2).unwrap()).unwrap()).unwrap();
        assert!(key_of(&header["jwk"]).verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &other_sig).is_err());
    }

    #[test]
    fn the_private_jwk_round_trips_and_debug_hides_it() {
        let key = DpopKey::generate();
        let jwk = key.to_private_jwk();
        let back = DpopKey::from_private_jwk(&jwk).unwrap();
        assert_eq!(back.public_jwk(), key.public_jwk());
        assert_eq!(format!("{key:?}"), "DpopKey(<redacted>)");
        assert!(DpopKey::from_private_jwk(r#"{"kty":"RSA"}"#).is_err());
        assert!(DpopKey::from_private_jwk("nope").is_err());
    }

    #[test]
    fn nonce_requests_are_recognised_from_either_server() {
        use reqwest::header::{HeaderMap, HeaderValue, WWW_AUTHENTICATE};
        let mut h = HeaderMap::new();
        h.insert(WWW_AUTHENTICATE, HeaderValue::from_static(r#"DPoP error="use_dpop_nonce", error_description="x""#));
        assert!(asks_for_nonce(reqwest::StatusCode::UNAUTHORIZED, &h, b""));
        let body = br#"{"error":"use_dpop_nonce","error_description":"Authorization server requires nonce"}"#;
        assert!(asks_for_nonce(reqwest::StatusCode::BAD_REQUEST, &HeaderMap::new(), body));
        assert!(!asks_for_nonce(reqwest::StatusCode::BAD_REQUEST, &HeaderMap::new(), br#"{"error":"invalid_grant"}"#));
        let url = Url::parse("https://as.example/oauth/token").unwrap();
        let nonces = Nonces::default();
        let mut h = HeaderMap::new();
        h.insert("dpop-nonce", HeaderValue::from_static("abc"));
        nonces.remember(&url, &h);
        assert_eq!(nonces.get(&Url::parse("https://as.example/oauth/par").unwrap()).as_deref(), Some("abc"));
        assert_eq!(nonces.get(&Url::parse("https://pds.example/").unwrap()), None);
    }
}
