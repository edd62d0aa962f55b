//! A bounded Server-Sent Events decoder: bytes in, complete `event`/`data` pairs out. Lines end with LF
//! or CRLF (what Mastodon's streaming server and mastodon-mock send); comments (`:)`, `:thump`) are skipped.

use super::api::NETWORK;
use crate::NetworkError;

/// Largest event (or unfinished line) we hold: a status with a long content is far below this.
pub(crate) const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The `event:` field; `message` when absent (as the SSE specification says).
    pub event: String,
    pub data: String,
}

#[derive(Debug, Default)]
pub(crate) struct SseDecoder {
    /// Bytes of the line not yet ended.
    line: Vec<u8>,
    event: String,
    data: String,
    has_data: bool,
}

impl SseDecoder {
    /// Feeds bytes; returns the events they complete. An event or line larger than
    /// [`MAX_EVENT_BYTES`], or a line that is not UTF-8, is a protocol error.
    pub(crate) fn push(&mut self, mut bytes: &[u8]) -> Result<Vec<SseEvent>, NetworkError> {
        let mut events = Vec::new();
        while let Some(nl) = bytes.iter().position(|b| *b == b'\n') {
            self.line.extend_from_slice(&bytes[..nl]);
            bytes = &bytes[nl + 1..];
            let mut line = std::mem::take(&mut self.line);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8(line).map_err(|_| protocol("stream line is not UTF-8".to_owned()))?;
            if let Some(event) = self.line_done(&line)? {
                events.push(event);
            }
        }
        self.line.extend_from_slice(bytes);
        if self.line.len() > MAX_EVENT_BYTES {
            return Err(protocol(format!("stream line longer than {MAX_EVENT_BYTES} bytes")));
        }
        Ok(events)
    }

    fn line_done(&mut self, line: &str) -> Result<Option<SseEvent>, NetworkError> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            let data = std::mem::take(&mut self.data);
            let has_data = std::mem::replace(&mut self.has_data, false);
            if !has_data {
                return Ok(None);
            }
            let event = if event.is_empty() { "message".to_owned() } else { event };
            return Ok(Some(SseEvent { event, data }));
        }
        if line.starts_with(':') {
            return Ok(None);
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
                if self.data.len() > MAX_EVENT_BYTES {
                    return Err(protocol(format!("stream event larger than {MAX_EVENT_BYTES} bytes")));
                }
            }
            _ => {} // id, retry and unknown fields: not used.
        }
        Ok(None)
    }
}

fn protocol(message: String) -> NetworkError {
    NetworkError::Protocol { network: NETWORK, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut d = SseDecoder::default();
        chunks.iter().flat_map(|c| d.push(c).unwrap()).collect()
    }

    #[test]
    fn events_split_anywhere_across_chunks_are_put_back_together() {
        let all: &[u8] = b":)\nevent: update\ndata: {\"a\":\ndata: 1}\n\n:thump\n\nevent: delete\r\ndata: 42\r\n\r\n";
        let whole = decode(&[all]);
        assert_eq!(
            whole,
            vec![
                SseEvent { event: "update".into(), data: "{\"a\":\n1}".into() },
                SseEvent { event: "delete".into(), data: "42".into() },
            ]
        );
        for cut in 0..all.len() {
            assert_eq!(decode(&[&all[..cut], &all[cut..]]), whole, "cut at {cut}");
        }
    }

    #[test]
    fn an_unfinished_event_is_not_dispatched() {
        assert!(decode(&[b"event: update\ndata: {}\n"]).is_empty());
    }

    #[test]
    fn an_endless_line_is_refused_instead_of_buffered() {
        let mut d = SseDecoder::default();
        let chunk = vec![b'x'; 64 * 1024];
        let mut refused = false;
        for _ in 0..(MAX_EVENT_BYTES / chunk.len() + 2) {
            if d.push(&chunk).is_err() {
                refused = true;
                break;
            }
        }
        assert!(refused);
    }

    #[test]
    fn an_endless_event_made_of_short_lines_is_refused() {
        let mut d = SseDecoder::default();
        let chunk = b"data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n".repeat(1000);
        let refused = (0..100).any(|_| d.push(&chunk).is_err());
        assert!(refused);
    }
}
