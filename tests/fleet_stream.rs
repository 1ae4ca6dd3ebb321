//! A streamed fleet scan holds a bounded number of reports, however many targets, and hands every target over
//! once, in the order given, even when an early target is slow.

use std::ops::ControlFlow;
use std::time::Duration;

use rdptls::scan::{scan_stream, ScanOptions};
use rdptls::serve::{bind, Profile};

#[tokio::test]
async fn a_streamed_scan_holds_a_bounded_number_of_reports_behind_a_slow_first_target() {
    let tarpit = bind(Profile::Tarpit, ([127, 0, 0, 1], 0).into())
        .await
        .expect("tarpit");
    // Ports where nothing listens: each target is refused at once.
    let closed: Vec<u16> = (0..300)
        .map(|_| {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            l.local_addr().expect("addr").port()
        })
        .collect();
    let mut targets = vec![tarpit.addr().to_string()];
    targets.extend(closed.iter().map(|p| format!("127.0.0.1:{p}")));
    let opts = ScanOptions {
        timeout: Duration::from_secs(1),
        quick: true,
        ..ScanOptions::default()
    };
    let concurrency = 4;
    let mut seen = Vec::new();
    let end = scan_stream(targets.clone(), &opts, concurrency, None, |i, t| {
        seen.push((i, t.target));
        ControlFlow::Continue(())
    })
    .await;
    let expected: Vec<(usize, String)> = targets.into_iter().enumerate().collect();
    assert_eq!(seen, expected, "every target once, in the order given");
    assert_eq!(end.started, 301);
    assert!(
        end.peak_held <= concurrency * 4,
        "held {} reports at once behind the slow target",
        end.peak_held
    );
    tarpit.stop().await;
}
