//! Fleets as users write them: a target, a CIDR range (`10.0.0.0/28`, `[2001:db8::/120]:3390`), a port range
//! (`host:3389-3391`), or both (`10.0.0.0/30:3389-3390`), expanded lazily, in order, under a cap on the total.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::target::{Target, DEFAULT_PORT};

/// The default cap on the targets of a run: a `/16`. A larger fleet must be asked for (`--max-targets`).
pub const DEFAULT_MAX_TARGETS: u64 = 65_536;
/// The most `--max-targets` allows: a `/8` at one port.
pub const MAX_TARGETS_LIMIT: u64 = 16_777_216;

/// One line of a target list, before expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    hosts: Hosts,
    /// The ports; `None`: the host's own (3389, or the port typed).
    ports: Option<PortRange>,
}

/// Ports from the first to the last, both included.
type PortRange = (u16, u16);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Hosts {
    /// A target as typed (`host`, `host:port`, `[v6]:port`): kept verbatim when no port range applies.
    One(String),
    /// IPv4 addresses from `first`, `count` of them.
    V4 { first: u32, count: u64 },
    /// IPv6 addresses from `first`, `count` of them (capped, so it fits in u64).
    V6 { first: u128, count: u64 },
}

impl TargetSpec {
    /// Parses one line; a range larger than `cap` targets is an error that names the option that raises it.
    pub fn parse(line: &str, cap: u64) -> Result<Self, String> {
        let s = line.trim();
        let (addr, ports) = split_ports(s)?;
        let spec = match addr.split_once('/') {
            Some((net, len)) => {
                let hosts = cidr(net, len, cap)?;
                Self { hosts, ports }
            }
            None if ports.is_some() => {
                let host = addr.trim_start_matches('[').trim_end_matches(']');
                let t = Target::parse(&if host.contains(':') {
                    format!("[{host}]")
                } else {
                    host.to_string()
                })?;
                Self {
                    hosts: Hosts::One(t.host),
                    ports,
                }
            }
            None => {
                Target::parse(s)?;
                Self {
                    hosts: Hosts::One(s.to_string()),
                    ports: None,
                }
            }
        };
        if spec.len() > cap {
            return Err(format!(
                "{s:?} is {} targets, more than the cap of {cap} (--max-targets raises it, up to {MAX_TARGETS_LIMIT})",
                spec.len()
            ));
        }
        Ok(spec)
    }

    /// How many targets it expands to.
    pub fn len(&self) -> u64 {
        let hosts = match &self.hosts {
            Hosts::One(_) => 1,
            Hosts::V4 { count, .. } | Hosts::V6 { count, .. } => *count,
        };
        let ports = self.ports.map_or(1, |(lo, hi)| u64::from(hi - lo) + 1);
        hosts.saturating_mul(ports)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The targets, host by host, each host's ports in order: `10.0.0.1`, `10.0.0.1:3390`, `[2001:db8::1]:3389`.
    pub fn targets(&self) -> impl Iterator<Item = String> + '_ {
        let hosts = match &self.hosts {
            Hosts::One(_) => 1,
            Hosts::V4 { count, .. } | Hosts::V6 { count, .. } => *count,
        };
        (0..hosts).flat_map(move |i| {
            let ports: Vec<Option<u16>> = match self.ports {
                None => vec![None],
                Some((lo, hi)) => (lo..=hi).map(Some).collect(),
            };
            ports.into_iter().map(move |p| self.target(i, p))
        })
    }

    fn target(&self, i: u64, port: Option<u16>) -> String {
        let (host, v6) = match &self.hosts {
            Hosts::One(typed) if port.is_none() => return typed.clone(),
            Hosts::One(host) => (host.clone(), host.contains(':')),
            Hosts::V4 { first, .. } => {
                let a = Ipv4Addr::from(first.wrapping_add(u32::try_from(i).unwrap_or(u32::MAX)));
                (a.to_string(), false)
            }
            Hosts::V6 { first, .. } => (
                Ipv6Addr::from(first.wrapping_add(u128::from(i))).to_string(),
                true,
            ),
        };
        match (port, v6) {
            (None, false) => host,
            (None, true) => format!("[{host}]:{DEFAULT_PORT}"),
            (Some(p), false) => format!("{host}:{p}"),
            (Some(p), true) => format!("[{host}]:{p}"),
        }
    }
}

/// Splits `…:PORT` or `…:LO-HI` off the end; the address part keeps its brackets.
fn split_ports(s: &str) -> Result<(&str, Option<PortRange>), String> {
    let tail = match s.strip_prefix('[') {
        Some(rest) => {
            let close = rest.find(']').ok_or("missing ']' in the target")?;
            let (inside, after) = rest.split_at(close);
            let after = &after[1..];
            if after.is_empty() {
                return Ok((inside, None));
            }
            let ports = after
                .strip_prefix(':')
                .ok_or_else(|| format!("unexpected {after:?} after ']'"))?;
            return Ok((inside, Some(port_range(ports)?)));
        }
        None => s,
    };
    match tail.rsplit_once(':') {
        // A bare IPv6 address or prefix: no port.
        Some((addr, _)) if addr.contains(':') => Ok((s, None)),
        Some((addr, ports)) => Ok((addr, Some(port_range(ports)?))),
        None => Ok((s, None)),
    }
}

fn port_range(p: &str) -> Result<PortRange, String> {
    let one = |x: &str| match x.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("{x:?} is not a port number")),
        Ok(n) => Ok(n),
    };
    match p.split_once('-') {
        None => one(p).map(|n| (n, n)),
        Some((lo, hi)) => {
            let (lo, hi) = (one(lo)?, one(hi)?);
            if lo > hi {
                Err(format!("port range {p:?} runs backwards"))
            } else {
                Ok((lo, hi))
            }
        }
    }
}

fn cidr(net: &str, len: &str, cap: u64) -> Result<Hosts, String> {
    let ip: IpAddr = net
        .parse()
        .map_err(|_| format!("{net:?} is not an IP address (a CIDR range is ADDRESS/LENGTH)"))?;
    let len: u32 = len
        .parse()
        .map_err(|_| format!("{len:?} is not a prefix length"))?;
    match ip {
        IpAddr::V4(a) => {
            if len > 32 {
                return Err(format!("/{len}: an IPv4 prefix is 0 to 32"));
            }
            let host_bits = 32 - len;
            let count = 1u64 << host_bits;
            let mask = if host_bits == 32 {
                0
            } else {
                u32::MAX << host_bits
            };
            Ok(Hosts::V4 {
                first: u32::from(a) & mask,
                count,
            })
        }
        IpAddr::V6(a) => {
            if len > 128 {
                return Err(format!("/{len}: an IPv6 prefix is 0 to 128"));
            }
            let host_bits = 128 - len;
            // Anything past 2^63 addresses is over every cap.
            if host_bits > 63 || (1u64 << host_bits) > cap {
                return Err(format!(
                    "{net}/{len} is 2^{host_bits} targets, more than the cap of {cap} (--max-targets raises it, up to {MAX_TARGETS_LIMIT})"
                ));
            }
            let mask = if host_bits == 128 {
                0
            } else {
                u128::MAX << host_bits
            };
            Ok(Hosts::V6 {
                first: u128::from(a) & mask,
                count: 1u64 << host_bits,
            })
        }
    }
}

/// `--shard I/N`: the targets whose position in the expanded list, counted from 0, is I modulo N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?}: write the shard as I/N, e.g. 0/4"))?;
        let index: u64 = i
            .trim()
            .parse()
            .map_err(|_| format!("{i:?} is not a shard index"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("{n:?} is not a shard count"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index}/{count}: the index counts from 0 and is below the count"
            ));
        }
        Ok(Self { index, count })
    }
}

impl Shard {
    /// Whether the target at `position` (from 0, in the expanded list) is this shard's.
    pub fn holds(self, position: u64) -> bool {
        position % self.count == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(s: &str) -> Vec<String> {
        TargetSpec::parse(s, DEFAULT_MAX_TARGETS)
            .unwrap()
            .targets()
            .collect()
    }

    #[test]
    fn ranges_expand_in_order_with_every_address() {
        let t = expand("127.0.0.0/30");
        assert_eq!(t, ["127.0.0.0", "127.0.0.1", "127.0.0.2", "127.0.0.3"]);
        assert_eq!(expand("127.0.0.5/28").len(), 16);
        assert_eq!(expand("127.0.0.5/28")[0], "127.0.0.0");
        assert_eq!(
            expand("127.0.0.1:3389-3391"),
            ["127.0.0.1:3389", "127.0.0.1:3390", "127.0.0.1:3391"]
        );
        assert_eq!(
            expand("127.0.0.0/31:3389-3390"),
            [
                "127.0.0.0:3389",
                "127.0.0.0:3390",
                "127.0.0.1:3389",
                "127.0.0.1:3390"
            ]
        );
        assert_eq!(expand("[::1]:3389-3390"), ["[::1]:3389", "[::1]:3390"]);
        assert_eq!(
            expand("2001:db8::/127"),
            ["[2001:db8::]:3389", "[2001:db8::1]:3389"]
        );
        assert_eq!(
            expand("[2001:db8::/127]:3390"),
            ["[2001:db8::]:3390", "[2001:db8::1]:3390"]
        );
        assert_eq!(
            expand("rdp.example.com:4000-4001"),
            ["rdp.example.com:4000", "rdp.example.com:4001"]
        );
        assert_eq!(expand("rdp.example.com:4000"), ["rdp.example.com:4000"]);
        assert_eq!(expand("::1"), ["::1"]);
    }

    #[test]
    fn ranges_past_the_cap_are_errors_unless_the_cap_is_raised() {
        for big in [
            "10.0.0.0/8",
            "10.0.0.0/15",
            "2001:db8::/64",
            "2001:db8::/100",
            "10.0.0.0/16:1-2",
        ] {
            assert!(
                TargetSpec::parse(big, DEFAULT_MAX_TARGETS).is_err(),
                "{big}"
            );
        }
        assert_eq!(
            TargetSpec::parse("10.0.0.0/8", MAX_TARGETS_LIMIT)
                .unwrap()
                .len(),
            16_777_216
        );
        assert_eq!(
            TargetSpec::parse("10.0.0.0/16", DEFAULT_MAX_TARGETS)
                .unwrap()
                .len(),
            65_536
        );
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "host:3391-3389",
            "host:0-3",
            "10.0.0.0/x",
            "[::1/64",
        ] {
            assert!(
                TargetSpec::parse(bad, DEFAULT_MAX_TARGETS).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn shards_split_the_positions_with_no_gap_and_no_overlap() {
        let shards: Vec<Shard> = (0..3).map(|i| format!("{i}/3").parse().unwrap()).collect();
        for position in 0..100 {
            assert_eq!(shards.iter().filter(|s| s.holds(position)).count(), 1);
        }
        for bad in ["3/3", "1/0", "a/2", "1"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
