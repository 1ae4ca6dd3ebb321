//! The binary's helpers: targets, client profiles, progress on standard error, and the exporter's start.

pub mod args;
pub mod limits;
pub mod signals;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use rdptls::analysis::clients::{self, ClientProfile};
use rdptls::plan::fleet::{Shard, TargetSpec};
use rdptls::plan::{Stage, StageHook};
use rdptls::report::exit;

/// Whether the command line asks for `--format check` (its usage errors exit 3, UNKNOWN).
pub fn wants_check_format(argv: &[std::ffi::OsString]) -> bool {
    argv.iter()
        .zip(argv.iter().skip(1))
        .any(|(a, b)| a == "--format" && b == "check")
        || argv.iter().any(|a| a == "--format=check")
}

/// The targets of a run: each line of the command line and of the targets file, expanded lazily in the order
/// given, less the other shards' and those already done.
pub struct Fleet {
    specs: Vec<TargetSpec>,
    shard: Option<Shard>,
    done: HashSet<String>,
}

impl Fleet {
    /// The targets to scan, in order.
    pub fn targets(&self) -> impl Iterator<Item = String> + '_ {
        let shard = self.shard;
        self.specs
            .iter()
            .flat_map(TargetSpec::targets)
            .enumerate()
            .filter(move |(i, _)| shard.is_none_or(|s| s.holds(*i as u64)))
            .map(|(_, t)| t)
            .filter(|t| !self.done.contains(t))
    }

    /// How many targets there are to scan.
    pub fn len(&self) -> usize {
        if self.done.is_empty() {
            let total: u64 = self.specs.iter().map(TargetSpec::len).sum();
            let mine = match self.shard {
                None => total,
                Some(s) => total / s.count + u64::from(total % s.count > s.index),
            };
            usize::try_from(mine).unwrap_or(usize::MAX)
        } else {
            self.targets().count()
        }
    }
}

/// The targets of the command line and of the targets file (a UTF-8 BOM and `#` comments ignored), each checked:
/// a target that cannot be right (a URL, port 0 or above 65535, an unclosed `[`, a range past `max_targets`) is
/// a usage error, before any scan.
pub fn read_targets(
    given: &[String],
    file: Option<&Path>,
    max_targets: u64,
    shard: Option<Shard>,
    resume: Option<&Path>,
) -> Result<Fleet, String> {
    let mut lines: Vec<String> = given.to_vec();
    if let Some(path) = file {
        let text = if path.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin())
                .map_err(|e| format!("reading standard input: {e}"))?
        } else {
            std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        lines.extend(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    if lines.is_empty() {
        return Err("no target given (rdptls scan HOST[:PORT] ...)".into());
    }
    let mut specs = Vec::with_capacity(lines.len());
    let mut total: u64 = 0;
    for t in &lines {
        let spec = TargetSpec::parse(t, max_targets).map_err(|e| format!("target {t:?}: {e}"))?;
        total = total.saturating_add(spec.len());
        if total > max_targets {
            return Err(format!(
                "the targets expand to more than {max_targets} (--max-targets raises the cap, up to {})",
                rdptls::plan::fleet::MAX_TARGETS_LIMIT
            ));
        }
        specs.push(spec);
    }
    let done = match resume {
        None => HashSet::new(),
        Some(path) => done_targets(path)?,
    };
    Ok(Fleet { specs, shard, done })
}

/// The targets that already have a line in a JSONL report; lines that are not whole JSON objects (a last line
/// cut by a crash) are ignored, and a missing file holds none.
fn done_targets(path: &Path) -> Result<HashSet<String>, String> {
    use std::io::BufRead;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "rdptls: note: {} does not exist yet: nothing to resume",
                path.display()
            );
            return Ok(HashSet::new());
        }
        Err(e) => return Err(format!("reading {}: {e}", path.display())),
    };
    let mut done = HashSet::new();
    // Line by line: the file may be far larger than the set of targets it names.
    for line in std::io::BufReader::new(file).split(b'\n') {
        let line = line.map_err(|e| format!("reading {}: {e}", path.display()))?;
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&line) {
            if let Some(t) = v.get("target").and_then(|t| t.as_str()) {
                done.insert(t.to_string());
            }
        }
    }
    Ok(done)
}

/// The client profiles to replay: the built-in ones, extended by `--clients`, or only `--clients-only`'s; less
/// `--exclude-client`'s ids (an unknown id is an error that lists the known ones).
pub fn client_profiles(
    extra: Option<&Path>,
    only: Option<&Path>,
    exclude: &[String],
) -> Result<Vec<ClientProfile>, String> {
    let read =
        |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("reading {}: {e}", p.display()));
    let mut profiles = match (extra, only) {
        (_, Some(p)) => clients::load(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))?,
        (Some(p), None) => {
            clients::extended_profiles(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))?
        }
        (None, None) => clients::builtin_profiles()?,
    };
    for id in exclude {
        if !profiles.iter().any(|p| &p.entry.id == id) {
            let known: Vec<&str> = profiles.iter().map(|p| p.entry.id.as_str()).collect();
            return Err(format!(
                "--exclude-client {id:?}: no such client; the ids are: {}",
                known.join(", ")
            ));
        }
        profiles.retain(|p| &p.entry.id != id);
    }
    Ok(profiles)
}

/// `rdptls clients`: each profile's id, name and sources.
pub fn list_clients(extra: Option<&Path>) -> i32 {
    match client_profiles(extra, None, &[]) {
        Err(e) => {
            eprintln!("rdptls: {e}");
            exit::USAGE
        }
        Ok(profiles) => {
            let mut text = String::new();
            for p in profiles {
                let e = &p.entry;
                text.push_str(&format!(
                    "{}{}\n    {}\n",
                    e.id,
                    if e.current { " (current)" } else { "" },
                    e.name
                ));
                for s in &e.sources {
                    text.push_str(&format!("    source: {s}\n"));
                }
            }
            super::out(text.trim_end());
            exit::OK
        }
    }
}

/// Progress on standard error, on a terminal only: the stage for one host, a bar for a fleet.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    fleet: bool,
}

impl Progress {
    pub fn start(targets: usize, quiet: bool) -> Self {
        let fleet = targets > 1;
        let bar = (!quiet && console::Term::stderr().is_term()).then(|| {
            if fleet {
                let bar = indicatif::ProgressBar::new(targets as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:30} {pos}/{len} hosts, {elapsed} {msg}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar
            } else {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
                bar.set_message("starting");
                bar
            }
        });
        Self { bar, fleet }
    }

    /// A hook that shows each stage of a single host's scan.
    pub fn stage_hook(&self) -> StageHook {
        match (&self.bar, self.fleet) {
            (Some(bar), false) => {
                let bar = Arc::new(bar.clone());
                StageHook::new(move |s: Stage| bar.set_message(s.label()))
            }
            _ => StageHook::default(),
        }
    }

    pub fn target_done(&self, target: &str) {
        if let (Some(bar), true) = (&self.bar, self.fleet) {
            bar.inc(1);
            bar.set_message(target.to_string());
        }
    }

    /// Runs `f` (which prints) above the bar, not through it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `rdptls exporter`: serves until Ctrl-C.
pub async fn exporter(args: args::ExporterArgs) -> i32 {
    let opts = rdptls::exporter::ExporterOptions {
        cache_ttl: std::time::Duration::from_secs(args.cache_ttl),
        max_in_flight: usize::from(args.max_in_flight),
        timeout: std::time::Duration::from_secs_f64(args.timeout),
        warn_days: args.warn_days,
    };
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "rdptls: note: the exporter listens on {}, not a loopback address: anyone who reaches it can make it scan",
            args.listen
        );
    }
    let server = match rdptls::exporter::bind(args.listen, opts).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("rdptls: cannot listen on {}: {e}", args.listen);
            return exit::USAGE;
        }
    };
    eprintln!(
        "rdptls: exporter on http://{}/probe?target=HOST:PORT (Ctrl-C stops)",
        server.addr()
    );
    let _ = tokio::signal::ctrl_c().await;
    server.stop().await;
    exit::OK
}
