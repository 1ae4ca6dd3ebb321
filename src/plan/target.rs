//! Targets as users type them: `host`, `host:port`, `[v6]:port`, `v6`; port 3389 by default.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::model::{ErrorKind, ScanError, Step};

pub const DEFAULT_PORT: u16 = 3389;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
}

impl Target {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("empty target".into());
        }
        if let Some((scheme, _)) = s.split_once("://") {
            return Err(format!(
                "{s:?} is a URL ({scheme}://); give HOST, HOST:PORT or [IPv6]:PORT"
            ));
        }
        if let Ok(ip) = s.parse::<IpAddr>() {
            return Ok(Self {
                host: ip.to_string(),
                port: DEFAULT_PORT,
            });
        }
        if let Some(rest) = s.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or("missing ']' in the target")?;
            host.parse::<IpAddr>()
                .map_err(|_| format!("{host:?} is not an IPv6 address"))?;
            let port = match after.strip_prefix(':') {
                Some(p) => parse_port(p)?,
                None if after.is_empty() => DEFAULT_PORT,
                None => return Err(format!("unexpected {after:?} after ']'")),
            };
            return Ok(Self {
                host: host.to_string(),
                port,
            });
        }
        match s.rsplit_once(':') {
            Some((host, port)) if !host.contains(':') => {
                check_host(host)?;
                Ok(Self {
                    host: host.to_string(),
                    port: parse_port(port)?,
                })
            }
            Some(_) => Err(format!(
                "{s:?}: put an IPv6 address in brackets, e.g. [::1]:3389"
            )),
            None => {
                check_host(s)?;
                Ok(Self {
                    host: s.to_string(),
                    port: DEFAULT_PORT,
                })
            }
        }
    }

    /// Resolves the host, the first address wins.
    pub async fn resolve(&self, timeout: Duration) -> Result<SocketAddr, ScanError> {
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(SocketAddr::new(ip, self.port));
        }
        let lookup = tokio::net::lookup_host((self.host.as_str(), self.port));
        match tokio::time::timeout(timeout, lookup).await {
            Err(_) => Err(ScanError::new(
                Step::Resolve,
                ErrorKind::Timeout,
                format!("resolving {}", self.host),
            )),
            Ok(Err(e)) => Err(ScanError::new(
                Step::Resolve,
                ErrorKind::Other,
                format!("cannot resolve {}: {e}", self.host),
            )),
            Ok(Ok(mut addrs)) => addrs.next().ok_or_else(|| {
                ScanError::new(
                    Step::Resolve,
                    ErrorKind::Other,
                    format!("{} has no address", self.host),
                )
            }),
        }
    }
}

fn parse_port(p: &str) -> Result<u16, String> {
    match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("{p:?} is not a port number")),
        Ok(n) => Ok(n),
    }
}

fn check_host(h: &str) -> Result<(), String> {
    let ok = !h.is_empty()
        && h.len() <= 253
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!("{h:?} is not a host name"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_as_typed() {
        let t = |h: &str, p| Target {
            host: h.into(),
            port: p,
        };
        assert_eq!(
            Target::parse("rdp.example.com").unwrap(),
            t("rdp.example.com", 3389)
        );
        assert_eq!(
            Target::parse("127.0.0.1:3390").unwrap(),
            t("127.0.0.1", 3390)
        );
        assert_eq!(Target::parse("::1").unwrap(), t("::1", 3389));
        assert_eq!(Target::parse("[::1]:4000").unwrap(), t("::1", 4000));
        for bad in ["", "host:0", "host:99999", "[::1", "a b", "::1:x:y:z"] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }
}
