//! What `sockdiag serve` answers: the status of a request (routing) and
//! the response head. The request head itself is read by the httparse
//! crate in the runner: a parser of hostile bytes is better taken from a
//! well-kept, fuzzed crate, and it measured within a page of the static
//! binary (README, "The HTTP implementation, by measurement").

use core::fmt::{self, Write};

/// The answers `serve` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 200: the exposition.
    Ok,
    /// 400: a malformed or oversized request.
    BadRequest,
    /// 404: another path.
    NotFound,
    /// 405: a method other than GET and HEAD.
    MethodNotAllowed,
    /// 408: the request did not arrive in time.
    RequestTimeout,
    /// 500: the server cannot collect an answer.
    InternalError,
}

impl Status {
    /// The status code and reason phrase.
    pub const fn line(self) -> (u16, &'static str) {
        match self {
            Status::Ok => (200, "OK"),
            Status::BadRequest => (400, "Bad Request"),
            Status::NotFound => (404, "Not Found"),
            Status::MethodNotAllowed => (405, "Method Not Allowed"),
            Status::RequestTimeout => (408, "Request Timeout"),
            Status::InternalError => (500, "Internal Server Error"),
        }
    }
}

/// What a request for `target` with `method` asks of a server that
/// serves only `path` (a query string aside).
pub fn route(method: &str, target: &str, path: &str) -> Status {
    let asked = target.split('?').next().unwrap_or("");
    if asked != path {
        Status::NotFound
    } else if method == "GET" || method == "HEAD" {
        Status::Ok
    } else {
        Status::MethodNotAllowed
    }
}

/// Writes a response head: status line, `Content-Type`, `Content-Length`,
/// `Connection: close` (each connection answers one request), and the
/// blank line.
pub fn write_head<W: Write>(
    w: &mut W,
    status: Status,
    content_type: &str,
    length: usize,
) -> fmt::Result {
    let (code, reason) = status.line();
    write!(
        w,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n"
    )?;
    if status == Status::MethodNotAllowed {
        w.write_str("Allow: GET, HEAD\r\n")?;
    }
    w.write_str("Connection: close\r\n\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapless::String;

    #[test]
    fn test_route() {
        assert_eq!(route("GET", "/metrics", "/metrics"), Status::Ok);
        assert_eq!(route("HEAD", "/metrics?x=1", "/metrics"), Status::Ok);
        assert_eq!(
            route("POST", "/metrics", "/metrics"),
            Status::MethodNotAllowed
        );
        assert_eq!(route("GET", "/", "/metrics"), Status::NotFound);
        assert_eq!(route("GET", "/metrics/", "/metrics"), Status::NotFound);
        assert_eq!(route("GET", "", "/metrics"), Status::NotFound);
    }

    #[test]
    fn test_emit() {
        let mut s: String<256> = String::new();
        write_head(&mut s, Status::Ok, "text/plain", 12).unwrap();
        assert_eq!(
            s.as_str(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\n"
        );
        s.clear();
        write_head(&mut s, Status::MethodNotAllowed, "text/plain", 0).unwrap();
        assert!(s.contains("405 Method Not Allowed\r\n") && s.contains("Allow: GET, HEAD\r\n"));
    }
}
