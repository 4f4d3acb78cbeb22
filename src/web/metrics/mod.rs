//! Prometheus metrics at `/metrics`, behind a bearer token set in the configuration: request
//! counts and latencies by route, and the notification backlog (read from the database at
//! scrape time, so it is right across instances).

use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

pub mod layer;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route pattern (`/applications/{id}`), never the concrete path: bounded cardinality.
    route: String,
    status: u16,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
    outbox_backlog: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 14))
        });
        let outbox_backlog = Gauge::default();
        registry.register(
            "kene_http_requests",
            "HTTP requests served",
            requests.clone(),
        );
        registry.register(
            "kene_http_request_duration_seconds",
            "HTTP request latency",
            latency.clone(),
        );
        registry.register(
            "kene_outbox_backlog",
            "Notifications waiting to be delivered",
            outbox_backlog.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            outbox_backlog,
        }
    }
}

pub type SharedMetrics = Arc<Metrics>;
