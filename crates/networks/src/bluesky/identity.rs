//! Who a Bluesky handle is: handle → DID (`com.atproto.identity.resolveHandle` on a resolving service), DID → DID
//! document (the PLC directory for `did:plc`, `/.well-known/did.json` for `did:web`), and from the document the
//! account's PDS and its handle, which must name the handle back (`alsoKnownAs`).

use serde::Deserialize;
use url::Url;

use super::xrpc::{self, protocol, Outcome};
use crate::NetworkError;

/// Where handles and DIDs are resolved: `https://bsky.social` (any PDS or AppView answers `resolveHandle`) and
/// `https://plc.directory`.
#[derive(Debug, Clone)]
pub struct Resolver {
    pub handles: Url,
    pub plc: Url,
}

/// An account's identity as its DID document says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub did: String,
    /// The handle the document claims (`handle.invalid` when it names none).
    pub handle: String,
    /// Its PDS.
    pub pds: Url,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DidDocument {
    id: String,
    #[serde(default)]
    also_known_as: Vec<String>,
    #[serde(default)]
    service: Vec<Service>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Service {
    id: String,
    #[serde(rename = "type", default)]
    kind: String,
    service_endpoint: serde_json::Value,
}

/// `@Ada.Test` → `ada.test`.
pub fn normalise_handle(handle: &str) -> String {
    handle.trim().trim_start_matches('@').to_ascii_lowercase()
}

/// Resolves a handle (or a DID) to its DID, handle and PDS. A handle must be confirmed by its DID document.
pub async fn resolve(
    http: &reqwest::Client,
    resolver: &Resolver,
    handle_or_did: &str,
) -> Result<Identity, NetworkError> {
    let input = normalise_handle(handle_or_did);
    if input.is_empty() {
        return Err(protocol("no handle given"));
    }
    let did = if input.starts_with("did:") { input.clone() } else { resolve_handle(http, resolver, &input).await? };
    let document = did_document(http, resolver, &did).await?;
    if document.id != did {
        return Err(protocol(format!("the DID document of {did} names {}", document.id)));
    }
    let claimed = document.also_known_as.iter().find_map(|a| a.strip_prefix("at://")).map(normalise_handle);
    let handle = match claimed {
        Some(h) if input.starts_with("did:") || h == input => h,
        Some(h) => return Err(protocol(format!("{did} says its handle is {h}, not {input}"))),
        None if input.starts_with("did:") => "handle.invalid".to_owned(),
        None => return Err(protocol(format!("{did} does not claim the handle {input}"))),
    };
    let pds = document
        .service
        .iter()
        .find(|s| s.id.ends_with("#atproto_pds") && (s.kind.is_empty() || s.kind == "AtprotoPersonalDataServer"))
        .and_then(|s| s.service_endpoint.as_str())
        .and_then(|e| Url::parse(e).ok())
        .filter(|u| matches!(u.scheme(), "https" | "http"))
        .ok_or_else(|| protocol(format!("the DID document of {did} names no PDS")))?;
    Ok(Identity { did, handle, pds })
}

async fn resolve_handle(http: &reqwest::Client, resolver: &Resolver, handle: &str) -> Result<String, NetworkError> {
    #[derive(Deserialize)]
    struct Resolved {
        did: String,
    }
    let url = xrpc::method_url(&resolver.handles, "com.atproto.identity.resolveHandle")?;
    match xrpc::read::<Resolved>(http.get(url).query(&[("handle", handle)]).send().await?).await? {
        Outcome::Ok(Resolved { did }) if did.starts_with("did:") => Ok(did),
        Outcome::Ok(_) => Err(protocol(format!("{handle} resolves to no DID"))),
        Outcome::Failed(failure) if failure.status == reqwest::StatusCode::BAD_REQUEST => Err(NetworkError::Status {
            network: xrpc::NETWORK,
            status: 400,
            message: format!("unknown handle {handle}"),
        }),
        Outcome::Failed(failure) => Err(failure.into_error()),
    }
}

async fn did_document(http: &reqwest::Client, resolver: &Resolver, did: &str) -> Result<DidDocument, NetworkError> {
    let url = if did.starts_with("did:plc:") {
        let base = resolver.plc.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}/{did}")).map_err(|e| protocol(format!("PLC address for {did}: {e}")))?
    } else if let Some(host) = did.strip_prefix("did:web:") {
        if host.contains(':') || host.contains('/') {
            return Err(protocol(format!("{did}: only host-level did:web is supported")));
        }
        Url::parse(&format!("https://{host}/.well-known/did.json")).map_err(|e| protocol(format!("{did}: {e}")))?
    } else {
        return Err(protocol(format!("{did}: unsupported DID method")));
    };
    match xrpc::read::<DidDocument>(http.get(url).send().await?).await? {
        Outcome::Ok(document) => Ok(document),
        Outcome::Failed(failure) => Err(failure.into_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_normalised() {
        assert_eq!(normalise_handle(" @Ada.Test "), "ada.test");
    }
}
