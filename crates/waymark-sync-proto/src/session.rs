//! The sync session, sans-IO: decides what to send next and checks what came back.
//! A driver (the device's HTTP transport, or a test's in-memory relay) performs each
//! step and feeds the response in.
//!
//! Order: push every pending entry (in batches), then pull pages until the relay says
//! there is no more. A pull page becomes the new cursor only after the driver has
//! applied it (`pulled`), so an interrupted sync resumes from the last applied page.

use std::collections::VecDeque;
use std::time::Duration;

use crate::error::{ProtoError, Result};
use crate::wire::{
    MAX_PULL_LIMIT, MAX_PUSH_ENTRIES, PROTOCOL_VERSION, PullResponse, PushEntry, PushRequest, PushResponse,
};

/// What the driver should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Push(PushRequest),
    Pull { after: u64, limit: u32 },
    Done(Summary),
}

/// Counts for the end of a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub pushed: usize,
    pub pulled: usize,
    pub cursor: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pushing,
    AwaitPush,
    Pulling,
    AwaitPull,
    AwaitApply { next_after: u64, more: bool },
    Done,
}

/// One sync from a device's point of view.
#[derive(Debug)]
pub struct Session {
    outbox: VecDeque<PushEntry>,
    in_flight: Vec<PushEntry>,
    batch: usize,
    limit: u32,
    cursor: u64,
    state: State,
    summary: Summary,
}

impl Session {
    /// A session that will push `pending` and pull after `cursor`.
    pub fn new(pending: Vec<PushEntry>, cursor: u64) -> Self {
        Self {
            outbox: pending.into(),
            in_flight: Vec::new(),
            batch: 200,
            limit: 500,
            cursor,
            state: State::Pushing,
            summary: Summary { cursor, ..Summary::default() },
        }
    }

    /// Sets how many entries go in one push and how many to ask per pull page.
    pub fn with_sizes(mut self, batch: usize, limit: u32) -> Self {
        self.batch = batch.clamp(1, MAX_PUSH_ENTRIES);
        self.limit = limit.clamp(1, MAX_PULL_LIMIT);
        self
    }

    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// The next thing to do. Calling it again before feeding the response in repeats
    /// the same step (a retry after a transport error).
    pub fn next_step(&mut self) -> Step {
        match self.state {
            State::Pushing | State::AwaitPush => {
                if self.in_flight.is_empty() {
                    let n = self.batch.min(self.outbox.len());
                    self.in_flight = self.outbox.drain(..n).collect();
                }
                if self.in_flight.is_empty() {
                    self.state = State::Pulling;
                    return self.next_step();
                }
                self.state = State::AwaitPush;
                Step::Push(PushRequest { v: PROTOCOL_VERSION, entries: self.in_flight.clone() })
            }
            State::Pulling | State::AwaitPull => {
                self.state = State::AwaitPull;
                Step::Pull { after: self.cursor, limit: self.limit }
            }
            State::AwaitApply { .. } | State::Done => {
                self.state = State::Done;
                self.summary.cursor = self.cursor;
                Step::Done(self.summary)
            }
        }
    }

    /// Checks the relay's answer to the push in flight: every entry must be
    /// acknowledged. Returns the acknowledged hashes (the driver removes them from its
    /// outbox).
    pub fn on_push(&mut self, response: &PushResponse) -> Result<Vec<String>> {
        if self.state != State::AwaitPush {
            return Err(ProtoError::Unexpected("no push was in flight".into()));
        }
        if response.v != PROTOCOL_VERSION {
            return Err(ProtoError::Version(response.v, PROTOCOL_VERSION));
        }
        let missing: Vec<&str> = self
            .in_flight
            .iter()
            .filter(|e| !response.accepted.iter().any(|a| a.hash == e.hash))
            .map(|e| e.hash.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(ProtoError::Unexpected(format!("{} entries were not acknowledged", missing.len())));
        }
        let acked = self.in_flight.drain(..).map(|e| e.hash).collect::<Vec<_>>();
        self.summary.pushed += acked.len();
        self.state = State::Pushing;
        Ok(acked)
    }

    /// Checks a pull page. The driver applies its entries and purges, then calls
    /// `pulled` to move the cursor.
    pub fn on_pull(&mut self, response: &PullResponse) -> Result<()> {
        if self.state != State::AwaitPull {
            return Err(ProtoError::Unexpected("no pull was in flight".into()));
        }
        if response.v != PROTOCOL_VERSION {
            return Err(ProtoError::Version(response.v, PROTOCOL_VERSION));
        }
        if response.next_after < self.cursor {
            return Err(ProtoError::Unexpected("the relay moved the cursor backwards".into()));
        }
        if response.entries.len() > self.limit as usize {
            return Err(ProtoError::Unexpected("the relay sent more entries than asked".into()));
        }
        if response.more && response.next_after == self.cursor && response.entries.is_empty() {
            return Err(ProtoError::Unexpected("the relay promised more but made no progress".into()));
        }
        if response.entries.iter().any(|e| e.seq > response.next_after) {
            return Err(ProtoError::Unexpected("an entry lies beyond the page's cursor".into()));
        }
        self.state = State::AwaitApply { next_after: response.next_after, more: response.more };
        self.summary.pulled += response.entries.len();
        Ok(())
    }

    /// The page fed to `on_pull` is applied durably: move the cursor.
    pub fn pulled(&mut self) -> Result<u64> {
        let State::AwaitApply { next_after, more } = self.state else {
            return Err(ProtoError::Unexpected("no pull page to confirm".into()));
        };
        self.cursor = next_after;
        self.state = if more { State::Pulling } else { State::Done };
        Ok(self.cursor)
    }
}

/// How long to wait before retry `attempt` (0-based) after a transient failure:
/// exponential from 250 ms, capped at 30 s, with `jitter` in 0..1 spreading devices
/// that lost the relay at the same moment.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let base = 250u64.saturating_mul(1u64 << attempt.min(7)).min(30_000);
    let jitter = jitter.clamp(0.0, 1.0);
    Duration::from_millis(base / 2 + (base as f64 / 2.0 * jitter) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Accepted, Audience, PullEntry, WireRole};

    fn entry(i: usize) -> PushEntry {
        PushEntry {
            doc: format!("d{i}"),
            audience: Audience { roles: vec![WireRole::Outreach], devices: vec![] },
            hash: format!("h{i}"),
            ciphertext: "abc".into(),
        }
    }

    fn page(seqs: &[u64], next_after: u64, more: bool) -> PullResponse {
        PullResponse {
            v: PROTOCOL_VERSION,
            entries: seqs
                .iter()
                .map(|s| PullEntry {
                    seq: *s,
                    doc: "d".into(),
                    author: "a".into(),
                    hash: format!("h{s}"),
                    ciphertext: "x".into(),
                })
                .collect(),
            next_after,
            more,
            purge: vec![],
            server_time: "2026-11-23T00:00:00Z".into(),
            key_epoch: None,
        }
    }

    fn ack(req: &PushRequest) -> PushResponse {
        PushResponse {
            v: PROTOCOL_VERSION,
            accepted: req
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| Accepted { hash: e.hash.clone(), seq: i as u64 + 1 })
                .collect(),
        }
    }

    #[test]
    fn pushes_in_batches_then_pulls_until_no_more() {
        let mut s = Session::new((0..5).map(entry).collect(), 10).with_sizes(2, 3);
        let mut pushed = 0;
        loop {
            match s.next_step() {
                Step::Push(req) => {
                    assert!(req.entries.len() <= 2);
                    pushed += s.on_push(&ack(&req)).expect("acked").len();
                }
                Step::Pull { after, limit } => {
                    assert_eq!(limit, 3);
                    let resp = if after == 10 { page(&[11, 12, 13], 13, true) } else { page(&[14], 20, false) };
                    s.on_pull(&resp).expect("valid page");
                    s.pulled().expect("applied");
                }
                Step::Done(summary) => {
                    assert_eq!(summary, Summary { pushed: 5, pulled: 4, cursor: 20 });
                    break;
                }
            }
        }
        assert_eq!(pushed, 5);
    }

    #[test]
    fn an_idle_sync_is_one_pull() {
        let mut s = Session::new(vec![], 42);
        assert_eq!(s.next_step(), Step::Pull { after: 42, limit: 500 });
        s.on_pull(&page(&[], 42, false)).expect("valid");
        s.pulled().expect("applied");
        assert!(matches!(s.next_step(), Step::Done(Summary { pushed: 0, pulled: 0, cursor: 42 })));
    }

    #[test]
    fn an_unapplied_page_does_not_move_the_cursor_and_a_retry_repeats_the_step() {
        let mut s = Session::new(vec![], 5);
        let step = s.next_step();
        assert_eq!(s.next_step(), step, "a retry asks again");
        s.on_pull(&page(&[6, 7], 7, true)).expect("valid");
        assert_eq!(s.cursor(), 5, "not applied yet");
        s.pulled().expect("applied");
        assert_eq!(s.cursor(), 7);
    }

    #[test]
    fn bad_relay_answers_are_refused() {
        let mut s = Session::new(vec![entry(1), entry(2)], 9);
        let Step::Push(req) = s.next_step() else { panic!("push first") };
        let mut partial = ack(&req);
        partial.accepted.pop();
        assert!(matches!(s.on_push(&partial), Err(ProtoError::Unexpected(_))));
        let mut s = Session::new(vec![], 9);
        s.next_step();
        assert!(matches!(s.on_pull(&page(&[], 8, false)), Err(ProtoError::Unexpected(_))), "backwards");
        assert!(matches!(s.on_pull(&page(&[], 9, true)), Err(ProtoError::Unexpected(_))), "no progress");
        assert!(matches!(s.on_pull(&page(&[12], 10, true)), Err(ProtoError::Unexpected(_))), "beyond cursor");
        let mut wrong = page(&[], 9, false);
        wrong.v = 2;
        assert!(matches!(s.on_pull(&wrong), Err(ProtoError::Version(2, 1))));
        assert!(matches!(s.pulled(), Err(ProtoError::Unexpected(_))));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0, 0.0), Duration::from_millis(125));
        assert_eq!(backoff(0, 1.0), Duration::from_millis(250));
        assert!(backoff(3, 0.5) > backoff(2, 0.5));
        assert_eq!(backoff(30, 1.0), Duration::from_millis(30_000));
    }
}
