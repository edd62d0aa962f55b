//! The guarded HTTP client: addresses are checked after DNS resolution (and on every redirect hop,
//! since each hop resolves again), so a feed or a site can never make us reach loopback, private,
//! link-local or other internal ranges unless the configuration allows it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

/// Bounds on every outbound request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// Allow loopback and private addresses (tests, or an intranet feed the agency trusts).
    pub allow_private: bool,
    /// Whole request, body included: a server that answers byte by byte is stopped.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Larger bodies are refused.
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    pub user_agent: String,
    /// Idle connections kept per host (publishing keeps more: many accounts post through one instance).
    pub max_idle_per_host: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            allow_private: false,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_body_bytes: 8 * 1024 * 1024,
            max_redirects: 5,
            user_agent: concat!("FilRouge/", env!("CARGO_PKG_VERSION"), " (+feed reader; self-hosted)").to_owned(),
            max_idle_per_host: 4,
        }
    }
}

/// Why an address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("only http and https addresses can be fetched, not '{0}'")]
    Scheme(String),
    #[error("the address has no host")]
    NoHost,
    #[error("{0} is an internal address (loopback, private or link-local); refused")]
    Internal(IpAddr),
}

/// Whether `ip` is outside the public internet.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal_v4(v4);
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (s[0] == 0x64 && s[1] == 0xff9b && is_internal_v4(Ipv4Addr::new(
                    (s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8))) // NAT64
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x2002 && is_internal_v4(Ipv4Addr::new(
                    (s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8)))
            // 6to4
        }
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // carrier-grade NAT 100.64/10
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || o[0] >= 240 // reserved
}

/// Checks what can be checked before resolution: the scheme, and a host written as an IP address
/// (the resolver never sees those).
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), GuardError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(GuardError::Scheme(url.scheme().to_owned()));
    }
    let ip = match url.host() {
        None => return Err(GuardError::NoHost),
        Some(url::Host::Domain(_)) => None,
        Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
    };
    match ip {
        Some(ip) if !allow_private && is_internal(ip) => Err(GuardError::Internal(ip)),
        _ => Ok(()),
    }
}

/// Resolves with the system resolver and drops internal addresses; a name with only internal
/// addresses fails to resolve.
#[derive(Debug, Clone, Copy)]
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                addrs.iter().copied().filter(|a| allow_private || !is_internal(a.ip())).collect();
            if allowed.is_empty() {
                let refused = addrs.first().map(|a| a.ip()).unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED));
                return Err(Box::new(GuardError::Internal(refused)) as Box<dyn std::error::Error + Send + Sync>);
            }
            let out: Addrs = Box::new(allowed.into_iter());
            Ok(out)
        })
    }
}

/// What both clients share: the guarded resolver, no automatic redirects (the fetcher follows them
/// itself, checking each hop and noticing permanent moves), no proxy from the environment.
fn guarded(settings: &HttpSettings) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver { allow_private: settings.allow_private }))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(settings.connect_timeout)
        .user_agent(settings.user_agent.clone())
        .no_proxy()
}

/// The one HTTP client for listening: guarded, with a limit on the whole request, gzip.
pub fn client(settings: &HttpSettings) -> Result<reqwest::Client, reqwest::Error> {
    guarded(settings).timeout(settings.timeout).pool_max_idle_per_host(settings.max_idle_per_host).build()
}

/// The same guarded client for long-lived streams: no total time limit (a stream lasts hours), but
/// a read time-out, so a silent connection is noticed.
pub fn streaming_client(settings: &HttpSettings) -> Result<reqwest::Client, reqwest::Error> {
    guarded(settings).read_timeout(Duration::from_secs(120)).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn internal_ranges_are_recognised() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "255.255.255.255",
        ] {
            assert!(is_internal(ip(a)), "{a} should be internal");
        }
        for a in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(!is_internal(ip(a)), "{a} should be public");
        }
    }

    #[test]
    fn ip_literals_and_schemes_are_checked_before_resolution() {
        let url = |s: &str| {
            Url::parse(s).unwrap_or_else(|_| Url::parse("http://x.invalid").unwrap_or_else(|_| unreachable!()))
        };
        assert_eq!(check_url(&url("http://127.0.0.1/feed"), false), Err(GuardError::Internal(ip("127.0.0.1"))));
        assert_eq!(check_url(&url("http://[::1]:8080/"), false), Err(GuardError::Internal(ip("::1"))));
        assert!(check_url(&url("http://127.0.0.1/feed"), true).is_ok());
        assert_eq!(check_url(&url("file:///etc/passwd"), true), Err(GuardError::Scheme("file".into())));
        assert!(check_url(&url("https://example.org/feed"), false).is_ok());
    }
}
