//! Live updates inside one process: a broadcast channel per topic (a numbered thing whose
//! version grows with each change), created by its first listener and dropped with its last.
//! Writes in this process announce the new version at once; changes made by other instances
//! reach the channel through a watcher that the area owning the topic runs while anyone
//! listens (see [`Live::subscribe`]). Only versions go through: listeners fetch what changed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use tokio::sync::broadcast;

/// Versions in flight per topic; a listener further behind is told to catch up at once.
const CAPACITY: usize = 16;

struct Channel {
    sender: broadcast::Sender<i64>,
    /// The highest version announced: older or equal ones are not sent again.
    seen: i64,
}

#[derive(Default)]
pub struct Live {
    channels: Mutex<HashMap<i64, Channel>>,
    /// Set when the server stops: streams end, so that a graceful stop does not wait on them.
    closed: AtomicBool,
}

/// A new listener of a topic, and whether it is the first: then the caller starts the
/// topic's watcher (which stops when [`Live::announce`] says nobody listens any more).
pub struct Subscription {
    pub receiver: broadcast::Receiver<i64>,
    pub first: bool,
}

impl Live {
    fn channels(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Channel>> {
        // A panic elsewhere while holding the lock leaves a map that is still consistent.
        self.channels
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Listens to `topic`, whose version the listener has seen is `version`.
    pub fn subscribe(&self, topic: i64, version: i64) -> Subscription {
        let mut channels = self.channels();
        if self.closed.load(Ordering::Acquire) {
            // Its sender dropped at once: the listener's stream ends.
            let (_, receiver) = broadcast::channel(1);
            return Subscription {
                receiver,
                first: false,
            };
        }
        if let Some(channel) = channels.get_mut(&topic) {
            channel.seen = channel.seen.max(version);
            return Subscription {
                receiver: channel.sender.subscribe(),
                first: false,
            };
        }
        let (sender, receiver) = broadcast::channel(CAPACITY);
        channels.insert(
            topic,
            Channel {
                sender,
                seen: version,
            },
        );
        Subscription {
            receiver,
            first: true,
        }
    }

    /// Ends every stream, now and to come (the server is stopping).
    pub fn close(&self) {
        let mut channels = self.channels();
        self.closed.store(true, Ordering::Release);
        channels.clear();
    }

    /// A write of this process changed `topic` to `version`: its listeners hear it now.
    pub fn publish(&self, topic: i64, version: i64) {
        if let Some(channel) = self.channels().get_mut(&topic) {
            if version > channel.seen {
                channel.seen = version;
                let _ = channel.sender.send(version);
            }
        }
    }

    /// The topic's watcher read `version`: sent on if new. Returns `false` once nobody
    /// listens, having dropped the channel: the watcher then stops.
    pub fn announce(&self, topic: i64, version: i64) -> bool {
        let mut channels = self.channels();
        let Some(channel) = channels.get_mut(&topic) else {
            return false;
        };
        if channel.sender.receiver_count() == 0 {
            channels.remove(&topic);
            return false;
        }
        if version > channel.seen {
            channel.seen = version;
            let _ = channel.sender.send(version);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_hear_new_versions_once_and_the_last_one_out_stops_the_watcher() {
        let live = Live::default();
        let mut a = live.subscribe(7, 3);
        assert!(a.first);
        let mut b = live.subscribe(7, 3);
        assert!(!b.first);
        live.publish(7, 4);
        assert!(live.announce(7, 4), "already sent: not again");
        assert_eq!(a.receiver.try_recv().ok(), Some(4));
        assert_eq!(b.receiver.try_recv().ok(), Some(4));
        assert!(a.receiver.try_recv().is_err());
        assert!(live.announce(7, 5), "another instance's change");
        assert_eq!(b.receiver.try_recv().ok(), Some(5));
        live.publish(8, 1); // nobody listens to 8: nothing kept
        drop((a, b));
        assert!(!live.announce(7, 6));
        let mut c = live.subscribe(7, 6);
        assert!(c.first, "a new watcher for a new listener");
        live.close();
        assert!(c.receiver.try_recv().is_err());
        assert!(!live.announce(7, 7));
        assert!(!live.subscribe(7, 7).first);
    }
}
