//! Loopback test doubles for the notification transports:
//!
//! * [`start_smtp_sink`]: a minimal SMTP server (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
//!   QUIT) that records every message and decodes its subject (RFC 2047) and body
//!   (quoted-printable / base64), so tests can assert on UTF-8 text.
//! * [`start_sms_recorder`]: an HTTP server that records every request (method, path,
//!   headers, JSON body) and answers with a scripted status code.
//!
//! Both listen on 127.0.0.1 with a free port and run on the calling tokio runtime.
//! Depends only on tokio, axum, base64 and serde_json.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn wait_until<T: Clone>(
    timeout: Duration,
    what: &str,
    mut probe: impl FnMut() -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// ---------------------------------------------------------------------------------------
// SMTP sink
// ---------------------------------------------------------------------------------------

/// One message received by the SMTP sink.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// Address from `MAIL FROM:<…>`.
    pub mail_from: String,
    /// Addresses from `RCPT TO:<…>`.
    pub rcpt_to: Vec<String>,
    /// The DATA section as received (dot-unstuffed, CRLF line ends, without the CRLF that
    /// belongs to the final `<CRLF>.<CRLF>`).
    pub raw: String,
    /// Unfolded headers, names as sent, values RFC 2047-decoded.
    pub headers: Vec<(String, String)>,
    /// Decoded `Subject`.
    pub subject: String,
    /// Body decoded per `Content-Transfer-Encoding`, with `\n` line ends.
    pub body: String,
}

impl ReceivedMail {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct SmtpState {
    messages: Mutex<Vec<ReceivedMail>>,
    rcpt_reply: Mutex<Option<String>>,
    connections: Mutex<usize>,
}

/// Handle on a running SMTP sink; clones share the same server.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    state: Arc<SmtpState>,
}

impl SmtpSink {
    /// Messages received so far, in order.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        lock(&self.state.messages).clone()
    }

    /// Waits until at least `n` messages arrived (panics after `timeout`).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let state = self.state.clone();
        wait_until(timeout, &format!("{n} e-mail(s)"), move || {
            let m = lock(&state.messages);
            (m.len() >= n).then(|| m.clone())
        })
        .await
    }

    /// Answer every `RCPT TO` with this reply (e.g. `"550 5.1.1 no such user"` or
    /// `"451 4.3.0 try later"`) instead of `250`; `None` restores acceptance.
    pub fn set_rcpt_reply(&self, reply: Option<&str>) {
        *lock(&self.state.rcpt_reply) = reply.map(str::to_owned);
    }

    /// Number of SMTP connections accepted so far.
    pub fn connections(&self) -> usize {
        *lock(&self.state.connections)
    }
}

/// Starts an SMTP sink on 127.0.0.1; returns its port and a handle.
pub async fn start_smtp_sink() -> (u16, SmtpSink) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind SMTP sink");
    let port = listener.local_addr().expect("SMTP sink address").port();
    let state = Arc::new(SmtpState::default());
    let accept_state = state.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            *lock(&accept_state.connections) += 1;
            let st = accept_state.clone();
            tokio::spawn(async move {
                // A client hanging up mid-session is not an error for a sink.
                let _ = smtp_session(stream, st).await;
            });
        }
    });
    (port, SmtpSink { port, state })
}

async fn smtp_session(stream: TcpStream, state: Arc<SmtpState>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut mail_from = String::new();
    let mut rcpt_to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let command = text.trim_end();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write
                .write_all(b"250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n")
                .await?;
        } else if upper.starts_with("HELO") {
            write.write_all(b"250 sink.test\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            mail_from = angle_address(&command["MAIL FROM:".len()..]);
            rcpt_to.clear();
            write.write_all(b"250 2.1.0 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            let reply = lock(&state.rcpt_reply).clone();
            match reply {
                Some(r) => write.write_all(format!("{r}\r\n").as_bytes()).await?,
                None => {
                    rcpt_to.push(angle_address(&command["RCPT TO:".len()..]));
                    write.write_all(b"250 2.1.5 OK\r\n").await?;
                }
            }
        } else if upper == "DATA" {
            if rcpt_to.is_empty() {
                write
                    .write_all(b"554 5.5.1 no valid recipients\r\n")
                    .await?;
                continue;
            }
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut raw = String::new();
            loop {
                line.clear();
                if reader.read_until(b'\n', &mut line).await? == 0 {
                    return Ok(());
                }
                let l = String::from_utf8_lossy(&line);
                if l.trim_end_matches(['\r', '\n']) == "." {
                    break;
                }
                // Dot-unstuffing (RFC 5321 4.5.2).
                raw.push_str(l.strip_prefix('.').unwrap_or(&l));
            }
            // The CRLF before "." belongs to the terminator, not to the message.
            if raw.ends_with("\r\n") {
                raw.truncate(raw.len() - 2);
            } else if raw.ends_with('\n') {
                raw.truncate(raw.len() - 1);
            }
            let mail = parse_mail(
                std::mem::take(&mut mail_from),
                std::mem::take(&mut rcpt_to),
                raw,
            );
            lock(&state.messages).push(mail);
            write.write_all(b"250 2.0.0 queued\r\n").await?;
        } else if upper == "RSET" {
            mail_from.clear();
            rcpt_to.clear();
            write.write_all(b"250 2.0.0 OK\r\n").await?;
        } else if upper == "NOOP" {
            write.write_all(b"250 2.0.0 OK\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 2.0.0 bye\r\n").await?;
            return Ok(());
        } else {
            write
                .write_all(b"502 5.5.2 command not implemented\r\n")
                .await?;
        }
    }
}

fn angle_address(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(a), Some(b)) if a < b => arg[a + 1..b].to_owned(),
        _ => arg.split_whitespace().next().unwrap_or("").to_owned(),
    }
}

fn parse_mail(mail_from: String, rcpt_to: Vec<String>, raw: String) -> ReceivedMail {
    let (head, body) = match raw.find("\r\n\r\n") {
        Some(i) => (&raw[..i], &raw[i + 4..]),
        None => match raw.find("\n\n") {
            Some(i) => (&raw[..i], &raw[i + 2..]),
            None => (raw.as_str(), ""),
        },
    };
    let mut unfolded: Vec<String> = Vec::new();
    for l in head.split('\n') {
        let l = l.trim_end_matches('\r');
        if l.starts_with([' ', '\t']) {
            if let Some(last) = unfolded.last_mut() {
                last.push_str(l);
                continue;
            }
        }
        unfolded.push(l.to_owned());
    }
    let headers: Vec<(String, String)> = unfolded
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), decode_header_value(v.trim())))
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let subject = find("Subject").unwrap_or_default();
    let encoding = find("Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "base64" => {
            let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .unwrap_or_else(|_| body.as_bytes().to_vec())
        }
        "quoted-printable" => decode_quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    let body = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
    ReceivedMail {
        mail_from,
        rcpt_to,
        raw,
        headers,
        subject,
        body,
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn decode_quoted_printable(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            // Soft line break.
            if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if b.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            if let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex_value),
                b.get(i + 2).copied().and_then(hex_value),
            ) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); whitespace between
/// two adjacent encoded words is dropped, as the RFC requires.
fn decode_header_value(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, tail) = rest.split_at(start);
        match decode_encoded_word(tail) {
            Some((decoded, used)) => {
                if !(after_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&decoded);
                rest = &tail[used..];
                after_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = &tail[2..];
                after_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_encoded_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let (_charset, after) = inner.split_once('?')?;
    let (encoding, after) = after.split_once('?')?;
    let end = after.find("?=")?;
    let text = &after[..end];
    if text.contains(char::is_whitespace) {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?,
        "Q" | "q" => decode_quoted_printable(&text.replace('_', " ")),
        _ => return None,
    };
    let used = s.len() - after.len() + end + 2;
    Some((String::from_utf8_lossy(&bytes).into_owned(), used))
}

// ---------------------------------------------------------------------------------------
// SMS gateway recorder
// ---------------------------------------------------------------------------------------

/// One HTTP request received by the SMS recorder.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query, e.g. `/send`.
    pub path: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON (`Null` when it is not JSON).
    pub json: serde_json::Value,
    pub raw_body: String,
    /// Status code the recorder answered with.
    pub answered: u16,
}

impl RecordedRequest {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

struct RecorderState {
    requests: Mutex<Vec<RecordedRequest>>,
    script: Mutex<VecDeque<u16>>,
    default_status: Mutex<u16>,
    /// True while answers are held back (requests are recorded, then wait).
    held: tokio::sync::watch::Sender<bool>,
}

/// Handle on a running SMS recorder; clones share the same server.
#[derive(Clone)]
pub struct SmsRecorder {
    pub url: String,
    state: Arc<RecorderState>,
}

impl SmsRecorder {
    /// Requests received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Waits until at least `n` requests arrived (panics after `timeout`).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<RecordedRequest> {
        let state = self.state.clone();
        wait_until(timeout, &format!("{n} SMS request(s)"), move || {
            let r = lock(&state.requests);
            (r.len() >= n).then(|| r.clone())
        })
        .await
    }

    /// Status answered once the script is exhausted (initially 200).
    pub fn set_status(&self, status: u16) {
        *lock(&self.state.default_status) = status;
    }

    /// From now on, requests are recorded on arrival but answered only after [`release`]:
    /// the sender is left in the middle of a delivery.
    ///
    /// [`release`]: SmsRecorder::release
    pub fn hold(&self) {
        self.state.held.send_replace(true);
    }

    /// Answers the held requests and stops holding.
    pub fn release(&self) {
        self.state.held.send_replace(false);
    }

    /// Statuses answered to the next requests, in order, before the default applies.
    pub fn push_statuses(&self, statuses: &[u16]) {
        lock(&self.state.script).extend(statuses.iter().copied());
    }
}

/// Starts an SMS gateway recorder on 127.0.0.1; returns the URL to POST to
/// (`http://127.0.0.1:<port>/send`) and a handle. Every path is accepted.
pub async fn start_sms_recorder() -> (String, SmsRecorder) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind SMS recorder");
    let port = listener.local_addr().expect("SMS recorder address").port();
    let state = Arc::new(RecorderState {
        requests: Mutex::new(Vec::new()),
        script: Mutex::new(VecDeque::new()),
        default_status: Mutex::new(200),
        held: tokio::sync::watch::channel(false).0,
    });
    let app = axum::Router::new()
        .fallback(record)
        .with_state(state.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let url = format!("http://127.0.0.1:{port}/send");
    (url.clone(), SmsRecorder { url, state })
}

async fn record(
    State(state): State<Arc<RecorderState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let status = lock(&state.script)
        .pop_front()
        .unwrap_or_else(|| *lock(&state.default_status));
    let raw_body = String::from_utf8_lossy(&body).into_owned();
    let n = {
        let mut requests = lock(&state.requests);
        requests.push(RecordedRequest {
            method: method.to_string(),
            path: uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            json: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
            raw_body,
            answered: status,
        });
        requests.len()
    };
    let mut held = state.held.subscribe();
    let _ = held.wait_for(|held| !*held).await;
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let answer = if code.is_success() {
        serde_json::json!({ "id": format!("sms-{n}"), "status": "queued" })
    } else {
        serde_json::json!({ "error": format!("scripted status {status}") })
    };
    (code, axum::Json(answer)).into_response()
}

#[cfg(test)]
mod sink_tests {
    use super::*;

    #[test]
    fn decodes_headers_and_bodies() {
        assert_eq!(
            decode_header_value("=?utf-8?b?S8OobsOo?= =?utf-8?q?_=C3=A9t=C3=A9?="),
            "Kènè été"
        );
        assert_eq!(decode_header_value("plain =?x"), "plain =?x");
        assert_eq!(
            decode_quoted_printable("Bonjour A=C3=AFssata=\r\n, merci"),
            "Bonjour Aïssata, merci".as_bytes()
        );
        let mail = parse_mail(
            "a@x".into(),
            vec!["b@y".into()],
            "Subject: =?utf-8?b?w6l0w6k=?=\r\nContent-Transfer-Encoding: base64\r\n\r\nw6l0w6kNCg==\r\n".into(),
        );
        assert_eq!(mail.subject, "été");
        assert_eq!(mail.body, "été\n");
    }
}
