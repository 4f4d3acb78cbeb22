//! Live updates inside one process: a broadcast channel per topic (a numbered thing whose
//! version grows with each change), created by its first listener and dropped with its last.
//! Writes in this process announce the new version at once; changes made by other instances
//! reach the channel through a watcher that the area owning the topic runs while anyone
//! listens (see [`Live::subscribe`]). Only versions go through: listeners fetch what changed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use tokio::sync::broadcast;

/// What a live page follows: each area's numbered things, apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// A programme session's questions.
    Questions(i64),
    /// A contest's scoreboard.
    Scoreboard(i64),
}

/// Versions in flight per topic; a listener further behind is told to catch up at once.
const CAPACITY: usize = 16;

struct Channel {
    sender: broadcast::Sender<i64>,
    /// The highest version announced: older or equal ones are not sent again.
    seen: i64,
}

#[derive(Default)]
pub struct Live {
    channels: Mutex<HashMap<Topic, Channel>>,
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
    fn channels(&self) -> std::sync::MutexGuard<'_, HashMap<Topic, Channel>> {
        // A panic elsewhere while holding the lock leaves a map that is still consistent.
        self.channels
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Listens to `topic`, whose version the listener has seen is `version`.
    pub fn subscribe(&self, topic: Topic, version: i64) -> Subscription {
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
    pub fn publish(&self, topic: Topic, version: i64) {
        if let Some(channel) = self.channels().get_mut(&topic) {
            if version > channel.seen {
                channel.seen = version;
                let _ = channel.sender.send(version);
            }
        }
    }

    /// The topic's watcher read `version`: sent on if new. Returns `false` once nobody
    /// listens, having dropped the channel: the watcher then stops.
    pub fn announce(&self, topic: Topic, version: i64) -> bool {
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

/// How often a process reads the version of the topics its clients watch.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

fn changed(version: Option<i64>) -> Result<axum::response::sse::Event, std::convert::Infallible> {
    let data = version.map(|v| v.to_string()).unwrap_or_default();
    Ok(axum::response::sse::Event::default()
        .event("changed")
        .data(data))
}

/// A page's event stream on `topic` (`text/event-stream`): one `changed` event, with the
/// version, after each change — and at once if the topic changed since `since`, the version
/// the page was read at; pages then fetch themselves again.
///
/// Changes made by this process reach its listeners at once ([`Live::publish`] after the
/// commit). Changes made by another instance on the same PostgreSQL database are found by a
/// watcher per topic in each process, calling `read` (one primary-key read) every
/// [`WATCH_EVERY`] while anyone listens here: cheap, the same on both engines, and no
/// connection held open as LISTEN/NOTIFY would need.
pub fn stream<R, F>(
    live: &std::sync::Arc<Live>,
    topic: Topic,
    version: i64,
    since: Option<i64>,
    read: R,
) -> axum::response::Response
where
    R: Fn() -> F + Send + 'static,
    F: std::future::Future<Output = crate::db::DbResult<i64>> + Send,
{
    use axum::response::IntoResponse;
    use tokio_stream::StreamExt;
    let subscription = live.subscribe(topic, version);
    if subscription.first {
        let live = live.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(WATCH_EVERY).await;
                let version = match read().await {
                    Ok(version) => version,
                    Err(error) => {
                        tracing::warn!(%error, ?topic, "reading a live topic's version");
                        i64::MIN // nothing to announce; still checks whether anyone listens
                    }
                };
                if !live.announce(topic, version) {
                    break;
                }
            }
        });
    }
    // Changed between the page's read and now (or while reconnecting): told at once.
    let missed = since
        .filter(|since| *since < version)
        .map(|_| changed(Some(version)));
    // A listener that fell behind missed versions, not changes: it refreshes all the same.
    let events = tokio_stream::wrappers::BroadcastStream::new(subscription.receiver)
        .map(|v| changed(v.ok()));
    let events = tokio_stream::iter(missed).chain(events);
    // Events go out as they come: nginx (and proxies that read this header) must not buffer
    // them; the keep-alive comments (every 15 s) stay under proxies' idle timeouts.
    let sse =
        axum::response::sse::Sse::new(events).keep_alive(axum::response::sse::KeepAlive::default());
    (
        [(
            axum::http::HeaderName::from_static("x-accel-buffering"),
            "no",
        )],
        sse,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    const T7: Topic = Topic::Questions(7);

    #[test]
    fn listeners_hear_new_versions_once_and_the_last_one_out_stops_the_watcher() {
        let live = Live::default();
        let mut a = live.subscribe(T7, 3);
        assert!(a.first);
        let mut b = live.subscribe(T7, 3);
        assert!(!b.first);
        live.publish(T7, 4);
        assert!(live.announce(T7, 4), "already sent: not again");
        assert_eq!(a.receiver.try_recv().ok(), Some(4));
        assert_eq!(b.receiver.try_recv().ok(), Some(4));
        assert!(a.receiver.try_recv().is_err());
        assert!(live.announce(T7, 5), "another instance's change");
        assert_eq!(b.receiver.try_recv().ok(), Some(5));
        live.publish(Topic::Scoreboard(7), 1); // nobody listens to that one: nothing kept
        drop((a, b));
        assert!(!live.announce(T7, 6));
        let mut c = live.subscribe(T7, 6);
        assert!(c.first, "a new watcher for a new listener");
        live.close();
        assert!(c.receiver.try_recv().is_err());
        assert!(!live.announce(T7, 7));
        assert!(!live.subscribe(T7, 7).first);
    }
}
