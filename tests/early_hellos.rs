//! Hellos sent with the X.224 Connection Request (`probe::early`) change no answer: on real xrdp the trial proves
//! them and the scan finds exactly what it finds with every hello after its Confirm; behind a middlebox that
//! throws away what came with the request, the trial fails, the hellos wait for their Confirm again, and the
//! result is the same.

mod support;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rdptls::fixtures::FixtureCert;
use rdptls::model::{Status, TargetReport};
use rdptls::scan::{scan_target, ScanOptions};
use support::{require_server, Xrdp, XrdpConfig};

fn scan(port: u16, early: bool) -> TargetReport {
    let mut opts = ScanOptions {
        timeout: Duration::from_secs(5),
        ..ScanOptions::default()
    };
    opts.enumeration.early_hellos = early;
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(scan_target(&format!("127.0.0.1:{port}"), &opts))
}

/// (version, suite) of every suite found.
fn found(r: &TargetReport) -> BTreeSet<(u16, u16)> {
    assert_eq!(r.status, Status::Ok, "{:?}", r.error);
    let tls = r.tls.as_ref().expect("a TLS section");
    tls.cipher_suites
        .iter()
        .map(|s| (s.version.0, s.suite.0))
        .collect()
}

fn early_hellos(r: &TargetReport) -> bool {
    r.stats.stages.as_ref().expect("stage stats").early_hellos
}

/// A middlebox that passes the Connection Request on and throws away whatever came with it in the client's
/// first write, then relays both ways. Stops accepting when dropped.
struct Discarding {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Discarding {
    fn start(server: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        thread::spawn(move || relay(client, server));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self { port, stop }
    }
}

impl Drop for Discarding {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn relay(mut client: TcpStream, server: u16) {
    let _ = client.set_nonblocking(false);
    let _ = client.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", server)) else {
        return;
    };
    let mut first = vec![0u8; 64 * 1024];
    let Ok(n) = client.read(&mut first) else {
        return;
    };
    // The TPKT length says where the Connection Request ends; the rest of this read is thrown away.
    let len = if n >= 4 {
        (usize::from(first[2]) << 8 | usize::from(first[3])).min(n)
    } else {
        n
    };
    if upstream.write_all(&first[..len]).is_err() {
        return;
    }
    let (Ok(mut c2), Ok(mut u2)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    let back = thread::spawn(move || {
        let _ = std::io::copy(&mut u2, &mut c2);
        let _ = c2.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut client, &mut upstream);
    let _ = upstream.shutdown(Shutdown::Write);
    let _ = back.join();
}

#[test]
fn early_hellos_change_no_answer_and_a_server_that_drops_them_turns_them_off() {
    let Some(xrdp) = require_server(Xrdp::start(XrdpConfig {
        ssl_protocols: Some("TLSv1, TLSv1.1, TLSv1.2".into()),
        tls_ciphers: Some("ALL:@SECLEVEL=0".into()),
        ..XrdpConfig::fixture("tls", FixtureCert::Valid)
    })) else {
        return;
    };
    let usual = scan(xrdp.port(), false);
    assert!(!early_hellos(&usual), "turned off, no hello goes early");
    let early = scan(xrdp.port(), true);
    assert!(
        early_hellos(&early),
        "xrdp reads a hello sent with the request: the trial proves it"
    );
    let expected = found(&usual);
    assert!(expected.len() > 40, "{} suites", expected.len());
    assert_eq!(found(&early), expected, "the same suites either way");

    let middlebox = Discarding::start(xrdp.port());
    let dropped = scan(middlebox.port, true);
    assert!(
        !early_hellos(&dropped),
        "the trial's hello was thrown away: the hellos wait for their Confirm"
    );
    assert_eq!(found(&dropped), expected, "and find the same suites");
}
