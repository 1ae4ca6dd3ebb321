use super::*;

const MS: Duration = Duration::from_millis(1);

#[test]
fn before_any_answer_the_hold_is_the_default() {
    assert_eq!(Pacing::default().hold(), OPENING_HOLD);
}

#[test]
fn answers_at_the_floor_keep_the_shortest_hold_even_across_a_slow_network() {
    // 25 ms each way behind a proxy that completes the connect at once: every answer 100 ms after the start.
    let slow_network = Pacing::default();
    for _ in 0..6 {
        slow_network.observe(MS / 10, MS * 100);
    }
    assert_eq!(slow_network.fastest_answer(), Some(MS * 100));
    assert_eq!(slow_network.hold(), OPENING_HOLD_MIN);
    assert!(!slow_network.server_bound());
}

#[test]
fn answers_that_queue_behind_the_fastest_hold_the_slot_longer_and_mark_the_server_as_the_bottleneck(
) {
    // One connection after another, 75 ms each: the first alone, the next ones queued behind it.
    let serial = Pacing::default();
    for k in 1..=6u32 {
        serial.observe(MS / 10, MS * 75 * k);
    }
    assert!(serial.hold() > MS * 100, "{:?}", serial.hold());
    assert!(serial.server_bound());
}

#[test]
fn a_syn_retransmit_doubles_the_hold_and_is_not_averaged_in() {
    let p = Pacing::default();
    p.observe(MS / 10, MS * 2);
    for _ in 0..4 {
        p.observe(MS / 10, MS * 22);
    }
    let before = p.hold();
    // A connect a second late: the backlog dropped a SYN.
    p.observe(MS * 1005, MS * 1020);
    assert_eq!(p.hold(), before * 2);
}

#[test]
fn the_negotiations_answers_tell_a_serial_server_from_a_forking_one() {
    // Measured: xrdp on loopback (a process per connection) and FreeRDP's shadow server at 25 ms each way, the
    // lone first probe and then five opened together.
    let xrdp = Pacing::default();
    for ms in [5.6, 17.8, 14.1, 32.4, 32.5, 15.7] {
        xrdp.observe(MS / 10, Duration::from_secs_f64(ms / 1000.0));
    }
    assert!(!xrdp.server_bound());
    let shadow = Pacing::default();
    for ms in [97.0, 190.7, 206.2, 234.2, 287.6, 290.7] {
        shadow.observe(MS / 10, Duration::from_secs_f64(ms / 1000.0));
    }
    assert!(shadow.server_bound());
}
