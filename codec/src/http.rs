//! The one HTTP/1.x request `sockdiag serve` answers, read from bytes a
//! network peer sent (RFC 9112's request line and header section): every
//! byte is checked, nothing is allocated, and a request longer than the
//! caller's buffer is the caller's to refuse. Headers are checked for
//! syntax and then ignored: the answer does not depend on them, and the
//! connection closes after it, so a body is never read.

use core::fmt::{self, Write};

/// Why a request was refused (answered 400, then closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpError {
    /// The request line is not `METHOD TARGET HTTP/1.x`.
    BadRequestLine,
    /// A version other than HTTP/1.0 and HTTP/1.1.
    BadVersion,
    /// A header line without a name and colon, with a control
    /// character, or folded onto the previous line.
    BadHeader,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HttpError::BadRequestLine => "malformed request line",
            HttpError::BadVersion => "unsupported HTTP version",
            HttpError::BadHeader => "malformed header line",
        })
    }
}

/// A complete request head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// The method token (`GET`).
    pub method: &'a str,
    /// The request target (`/metrics`), query included.
    pub target: &'a str,
    /// The minor version: 0 or 1.
    pub minor: u8,
    /// Bytes of the head, blank line included.
    pub len: usize,
}

/// What the bytes so far amount to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed<'a> {
    /// A whole head.
    Complete(Request<'a>),
    /// Valid so far; more bytes are needed.
    Partial,
}

/// RFC 9110's `tchar`: what a method or header name is made of.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The next line of `rest` without its CRLF (or bare LF, which RFC 9112
/// lets a server accept), and what follows; `None` while no line end
/// has arrived.
fn line(rest: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = rest.iter().position(|&b| b == b'\n')?;
    let (line, tail) = rest.split_at(end);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Some((line, tail.get(1..).unwrap_or(&[])))
}

/// Checks the request line, as far as it has arrived.
fn request_line(line: &[u8]) -> Result<(&str, &str, u8), HttpError> {
    let mut words = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(HttpError::BadRequestLine);
    };
    if method.is_empty() || !method.iter().all(|&b| is_token(b)) {
        return Err(HttpError::BadRequestLine);
    }
    // Visible ASCII only: no spaces, controls or raw UTF-8 in a target.
    if target.is_empty() || !target.iter().all(|&b| (0x21..0x7f).contains(&b)) {
        return Err(HttpError::BadRequestLine);
    }
    let minor = match version {
        b"HTTP/1.1" => 1,
        b"HTTP/1.0" => 0,
        v if v.starts_with(b"HTTP/") => return Err(HttpError::BadVersion),
        _ => return Err(HttpError::BadRequestLine),
    };
    // Token and visible ASCII bytes are UTF-8.
    let text = |b| core::str::from_utf8(b).map_err(|_| HttpError::BadRequestLine);
    Ok((text(method)?, text(target)?, minor))
}

/// Checks one header line: `name: value`, the value of visible bytes,
/// spaces and tabs (and obs-text, bytes above 0x7f).
fn header_line(line: &[u8]) -> Result<(), HttpError> {
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(HttpError::BadHeader)?;
    let (name, value) = line.split_at(colon);
    if name.is_empty() || !name.iter().all(|&b| is_token(b)) {
        // A leading space or tab is obsolete line folding: refused.
        return Err(HttpError::BadHeader);
    }
    if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(HttpError::BadHeader);
    }
    Ok(())
}

/// Reads the request head at the start of `buf`. An error can be told as
/// soon as the bad line has arrived; `Partial` means every line so far is
/// valid.
pub fn parse(buf: &[u8]) -> Result<Parsed<'_>, HttpError> {
    // RFC 9112: a server should ignore empty lines before the request.
    let mut rest = buf;
    while let Some(tail) = rest
        .strip_prefix(b"\r\n")
        .or_else(|| rest.strip_prefix(b"\n"))
    {
        rest = tail;
    }
    let Some((first, mut rest)) = line(rest) else {
        // Check what has arrived of the request line, so junk is refused
        // before the buffer fills.
        if rest.iter().any(|&b| b < 0x20 && b != b'\r') {
            return Err(HttpError::BadRequestLine);
        }
        return Ok(Parsed::Partial);
    };
    let (method, target, minor) = request_line(first)?;
    loop {
        let Some((header, tail)) = line(rest) else {
            if rest
                .iter()
                .any(|&b| (b < 0x20 && !b"\r\t".contains(&b)) || b == 0x7f)
            {
                return Err(HttpError::BadHeader);
            }
            return Ok(Parsed::Partial);
        };
        if header.is_empty() {
            return Ok(Parsed::Complete(Request {
                method,
                target,
                minor,
                len: buf.len() - tail.len(),
            }));
        }
        header_line(header)?;
        rest = tail;
    }
}

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
        }
    }
}

/// What a request asks for.
pub fn route(request: &Request<'_>, path: &str) -> Status {
    let asked = request.target.split('?').next().unwrap_or("");
    if asked != path {
        Status::NotFound
    } else if request.method == "GET" || request.method == "HEAD" {
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

    const GET: &[u8] = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9432\r\nUser-Agent: Prometheus/2.42.0\r\nAccept: text/plain;version=0.0.4;q=1,*/*;q=0.1\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n";

    #[test]
    fn test_parse() {
        let Ok(Parsed::Complete(r)) = parse(GET) else {
            panic!("{:?}", parse(GET))
        };
        assert_eq!(
            (r.method, r.target, r.minor, r.len),
            ("GET", "/metrics", 1, GET.len())
        );
        assert_eq!(route(&r, "/metrics"), Status::Ok);
        // Bare LF line ends, leading blank lines, a body after the head.
        let r = parse(b"\r\nHEAD /metrics?x=1 HTTP/1.0\nA:b\n\nBODY").unwrap();
        let Parsed::Complete(r) = r else { panic!() };
        assert_eq!((r.method, r.minor, r.len), ("HEAD", 0, 34));
        assert_eq!(route(&r, "/metrics"), Status::Ok);
        let Ok(Parsed::Complete(r)) = parse(b"POST /metrics HTTP/1.1\r\n\r\n") else {
            panic!()
        };
        assert_eq!(route(&r, "/metrics"), Status::MethodNotAllowed);
        let Ok(Parsed::Complete(r)) = parse(b"GET / HTTP/1.1\r\n\r\n") else {
            panic!()
        };
        assert_eq!(route(&r, "/metrics"), Status::NotFound);
    }

    #[test]
    fn test_malformed() {
        for (bad, why) in [
            (&b"GET /metrics\r\n\r\n"[..], HttpError::BadRequestLine),
            (b"GET  /metrics HTTP/1.1\r\n\r\n", HttpError::BadRequestLine),
            (b"GET /metrics HTTP/2.0\r\n\r\n", HttpError::BadVersion),
            (b"GET /metrics SPDY/1.1\r\n\r\n", HttpError::BadRequestLine),
            (b"G(T /metrics HTTP/1.1\r\n\r\n", HttpError::BadRequestLine),
            (
                b"GET /m\xc3\xa9trics HTTP/1.1\r\n\r\n",
                HttpError::BadRequestLine,
            ),
            (
                b"GET /metrics HTTP/1.1\r\nno colon\r\n\r\n",
                HttpError::BadHeader,
            ),
            (
                b"GET /metrics HTTP/1.1\r\n folded: x\r\n\r\n",
                HttpError::BadHeader,
            ),
            (
                b"GET /metrics HTTP/1.1\r\nA: b\x00c\r\n\r\n",
                HttpError::BadHeader,
            ),
            (
                b"GET /metrics HTTP/1.1\r\n: empty\r\n\r\n",
                HttpError::BadHeader,
            ),
            (b"\x16\x03\x01\x02\x00\x01", HttpError::BadRequestLine),
        ] {
            assert_eq!(parse(bad), Err(why), "{bad:?}");
        }
    }

    #[test]
    fn test_truncated() {
        // Every prefix of a valid head is Partial until its blank line.
        for cut in 0..GET.len() {
            assert_eq!(parse(&GET[..cut]), Ok(Parsed::Partial), "{cut}");
        }
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
