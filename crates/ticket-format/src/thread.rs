//! thread.md: event headers, boundaries, body quoting and the exact bytes writers append.
//!
//! Events are found by their header lines, never by `---` lines (docs/format.md, "Event
//! boundaries"). Body lines that would look like a header are quoted mboxrd-style on write.

/// What starts every header line.
pub const HEADER_PREFIX: &str = "<!-- event:";

/// A parsed header line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub kind: String,
    pub author: String,
    pub at: String,
    pub status: Option<String>,
    /// Raw `refs:` token: `kind=value,kind=value`, values percent-encoded, without the event id.
    pub refs: Option<String>,
    /// The event's identity (docs/format.md, "Event ids"): the `id=` item of the `refs:` token,
    /// which readers from before ids read as a reference of an unknown kind.
    pub id: Option<String>,
}

/// The `refs:` item that carries an event's id.
pub const ID_REF: &str = "id";

/// One event as found in a thread: header, heading and body, with the header's line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEvent {
    /// 1-based line of the header.
    pub line: usize,
    pub header: Result<Header, String>,
    pub heading: Option<String>,
    pub body: String,
    /// Whether the event ended with the writer's `---` trailer.
    pub terminated: bool,
}

/// A thread split into events, and any text before the first header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thread {
    pub preamble: String,
    pub events: Vec<RawEvent>,
}

/// Parses a header line (without its `\n`), from the right, as docs/format.md says.
pub fn parse_header(line: &str) -> Result<Header, String> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let inner = line
        .strip_prefix("<!-- event: ")
        .ok_or("an event header starts with `<!-- event: <kind>`")?
        .strip_suffix(" -->")
        .ok_or("the event header does not end with ` -->`")?;
    let (kind, rest) = inner
        .split_once(' ')
        .ok_or("the event header has no `author:` after its kind")?;
    let rest = rest
        .strip_prefix("author: ")
        .ok_or("the event header has no `author:` after its kind")?;
    let (rest, refs_token) = take_suffix(rest, "refs");
    let (refs, id) = split_id(refs_token);
    let (rest, status) = take_suffix(rest, "status");
    let (author, at) = match take_suffix(rest, "at") {
        (author, Some(at)) => (author, at),
        _ => return Err("the event header has no `at: <timestamp>`".into()),
    };
    if kind.is_empty() {
        return Err("the event header has an empty kind".into());
    }
    Ok(Header {
        kind: kind.to_owned(),
        author: author.to_owned(),
        at: at.to_owned(),
        status: status.map(str::to_owned),
        refs,
        id,
    })
}

/// Splits the `id=` item (the last one, when several) off a `refs:` token.
fn split_id(token: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(token) = token else {
        return (None, None);
    };
    let prefix = format!("{ID_REF}=");
    let mut id = None;
    let rest: Vec<&str> = token
        .split(',')
        .filter(|item| match item.strip_prefix(&prefix) {
            Some(value) if !value.is_empty() => {
                id = Some(value.to_owned());
                false
            }
            _ => true,
        })
        .collect();
    let refs = (!rest.is_empty()).then(|| rest.join(","));
    (refs, id)
}

/// Splits ` key: value` off the end of `s` when value is one word.
fn take_suffix<'a>(s: &'a str, key: &str) -> (&'a str, Option<&'a str>) {
    let marker = format!(" {key}: ");
    let at_start = format!("{key}: ");
    let found = s
        .rfind(&marker)
        .map(|i| (i, i + marker.len()))
        .or_else(|| s.starts_with(&at_start).then_some((0, at_start.len())));
    match found {
        Some((cut, value_start)) => {
            let value = &s[value_start..];
            if value.is_empty() || value.contains(' ') {
                (s, None)
            } else {
                (&s[..cut], Some(value))
            }
        }
        None => (s, None),
    }
}

/// A header line found in a thread: its 1-based line number, its byte offset, and its text
/// (without the `\n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderLine<'a> {
    pub line: usize,
    pub start: usize,
    pub text: &'a str,
}

/// Every header line of a thread, in order, without reading the bodies line by line: the
/// prefix is searched for with `memchr`'s substring search and line numbers are counted only
/// between hits.
pub fn header_lines(text: &str) -> impl Iterator<Item = HeaderLine<'_>> {
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0, 1);
    memchr::memmem::find_iter(bytes, HEADER_PREFIX.as_bytes())
        .filter(move |&at| at == 0 || bytes[at - 1] == b'\n')
        .map(move |start| {
            line += memchr::memchr_iter(b'\n', &bytes[counted_to..start]).count();
            counted_to = start;
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n);
            HeaderLine {
                line,
                start,
                // Both ends sit on ASCII bytes (`<` and `\n`), so they are char boundaries.
                text: &text[start..end],
            }
        })
}

/// Splits a thread into events.
pub fn parse(text: &str) -> Thread {
    let headers: Vec<(usize, usize, &str)> = header_lines(text)
        .map(|h| (h.line, h.start, h.text))
        .collect();
    let preamble_end = headers.first().map(|h| h.1).unwrap_or(text.len());
    let mut events = Vec::with_capacity(headers.len());
    for (n, &(line, start, header_line)) in headers.iter().enumerate() {
        let content_start = (start + header_line.len() + 1).min(text.len());
        let next = headers.get(n + 1).map(|h| h.1);
        let chunk = &text[content_start..next.unwrap_or(text.len())];
        // An event saved with CRLF endings (its header line ends with `\r`) has them in its
        // heading and trailer too; the event after it may have been appended with LF.
        let crlf = header_line.ends_with('\r');
        let (heading, rest) = split_heading(chunk, if crlf { "\r\n" } else { "\n" });
        let trailers: &[&str] = match (crlf, next.is_some()) {
            (false, true) => &["\n\n---\n\n"],
            (false, false) => &["\n\n---\n"],
            (true, true) => &["\r\n\r\n---\r\n\r\n", "\r\n\r\n---\r\n\n"],
            (true, false) => &["\r\n\r\n---\r\n"],
        };
        let (body, terminated) = trailers
            .iter()
            .find_map(|t| rest.strip_suffix(t))
            .map_or((rest, false), |body| (body, true));
        events.push(RawEvent {
            line,
            header: parse_header(header_line),
            heading,
            body: unquote_body(body),
            terminated,
        });
    }
    Thread {
        preamble: text[..preamble_end].to_owned(),
        events,
    }
}

/// `<eol>## heading<eol><eol>` at the start of an event's content, when present (`eol` is
/// `\n`, or `\r\n` in an event saved with CRLF endings).
fn split_heading<'a>(chunk: &'a str, eol: &str) -> (Option<String>, &'a str) {
    let Some(after) = chunk.strip_prefix(eol).and_then(|c| c.strip_prefix("## ")) else {
        return (None, chunk);
    };
    let Some((heading, rest)) = after.split_once(eol) else {
        return (Some(after.to_owned()), "");
    };
    let rest = rest.strip_prefix(eol).unwrap_or(rest);
    (Some(heading.to_owned()), rest)
}

fn is_quoted_header(line: &str) -> bool {
    line.trim_start_matches('\\').starts_with(HEADER_PREFIX)
}

/// Writers add one `\` to every body line matching `^\\*<!-- event:`.
pub fn quote_body(body: &str) -> String {
    map_lines(body, |line| {
        is_quoted_header(line).then(|| format!("\\{line}"))
    })
}

/// Readers remove one `\` from every body line matching `^\\+<!-- event:`.
pub fn unquote_body(body: &str) -> String {
    map_lines(body, |line| {
        (line.starts_with('\\') && is_quoted_header(line)).then(|| line[1..].to_owned())
    })
}

fn map_lines(text: &str, f: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for chunk in text.split_inclusive('\n') {
        match f(chunk) {
            Some(changed) => out.push_str(&changed),
            None => out.push_str(chunk),
        }
    }
    out
}

/// The bytes an event header line holds, without its newline.
pub fn header_line(h: &Header) -> String {
    let mut line = format!("<!-- event: {} author: {} at: {}", h.kind, h.author, h.at);
    if let Some(status) = &h.status {
        line.push_str(" status: ");
        line.push_str(status);
    }
    match (&h.refs, &h.id) {
        (Some(refs), Some(id)) => line.push_str(&format!(" refs: {refs},{ID_REF}={id}")),
        (Some(refs), None) => line.push_str(&format!(" refs: {refs}")),
        (None, Some(id)) => line.push_str(&format!(" refs: {ID_REF}={id}")),
        (None, None) => {}
    }
    line.push_str(" -->");
    line
}

/// The bytes a `create` writes as the whole thread.
pub fn first_event(h: &Header, heading: &str, body: &str) -> String {
    format!(
        "{}\n\n## {heading}\n\n{}\n\n---\n",
        header_line(h),
        quote_body(body)
    )
}

/// The bytes every later event appends.
pub fn appended_event(h: &Header, heading: &str, body: &str) -> String {
    format!("\n{}", first_event(h, heading, body))
}

/// Percent-encodes a reference value so it holds no `%`, `,`, `=`, `>`, space or control byte.
pub fn encode_ref_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '%' | ',' | '=' | '>' | ' ') || c.is_control() {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reverses [`encode_ref_value`].
pub fn decode_ref_value(value: &str) -> Result<String, String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value.get(i + 1..i + 3).ok_or("a `%` escape is cut short")?;
            let b = u8::from_str_radix(hex, 16).map_err(|_| format!("bad `%{hex}` escape"))?;
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "a reference is not UTF-8 once decoded".into())
}

/// Where a thread shown cut to its end starts, and what is left out before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tail {
    /// Byte offset of the first line shown.
    pub start: usize,
    /// Lines before it.
    pub lines_left_out: usize,
    /// Event headers before it.
    pub events_left_out: usize,
}

/// The end of a thread of about `max_lines` lines, cut at an event boundary: from the first
/// event header among its last `max_lines` lines (or, when the last event alone is longer, from
/// that event's header), so no event is shown in part. A thread of at most `max_lines` lines,
/// or one without headers, starts at its first shown line as `tail -n` would. Works on bytes:
/// a thread that is not UTF-8 still shows.
pub fn tail_at_event(text: &[u8], max_lines: usize) -> Tail {
    let mut starts = vec![0];
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    starts.extend(
        body.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i + 1),
    );
    if text.is_empty() || starts.len() <= max_lines {
        return Tail {
            start: 0,
            lines_left_out: 0,
            events_left_out: 0,
        };
    }
    let is_header = |line: usize| text[starts[line]..].starts_with(HEADER_PREFIX.as_bytes());
    let first = starts.len() - max_lines;
    let line = (first..starts.len())
        .find(|&l| is_header(l))
        .or_else(|| (0..first).rev().find(|&l| is_header(l)))
        .unwrap_or(first);
    Tail {
        start: starts[line],
        lines_left_out: line,
        events_left_out: (0..line).filter(|&l| is_header(l)).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::tail_at_event;

    #[test]
    fn tails_cut_at_event_boundaries() {
        let h = "<!-- event: comment author: a at: 2026-01-01T00:00:00Z -->\n";
        let ev = |n: usize| format!("{h}{}", "x\n".repeat(n));
        fn t(text: &str, max: usize) -> (usize, usize, &str) {
            let tail = tail_at_event(text.as_bytes(), max);
            (
                tail.lines_left_out,
                tail.events_left_out,
                &text[tail.start..],
            )
        }
        // (text, max lines) -> (lines left out, events left out, what shows)
        let three = format!("{}{}{}", ev(2), ev(2), ev(2));
        assert_eq!(t(&three, 9), (0, 0, three.as_str()));
        assert_eq!(t(&three, 100), (0, 0, three.as_str()));
        assert_eq!(t(&three, 7), (3, 1, &three[ev(2).len()..]));
        assert_eq!(t(&three, 5), (6, 2, ev(2).as_str()));
        // The last event alone is longer than the cut: it shows whole.
        let long = format!("{}{}", ev(1), ev(9));
        assert_eq!(t(&long, 4), (2, 1, ev(9).as_str()));
        // No header at all: as tail -n.
        assert_eq!(t("a\nb\nc\n", 2), (1, 0, "b\nc\n"));
        // A last line without a newline counts.
        assert_eq!(t("a\nb\nc", 2), (1, 0, "b\nc"));
        assert_eq!(t("", 2), (0, 0, ""));
        // A quoted header in a body is no boundary.
        let quoted = format!("{}\\{h}y\n", ev(1));
        assert_eq!(t(&quoted, 2), (0, 0, quoted.as_str()));
    }
    use super::*;

    fn header(line: &str) -> Header {
        parse_header(line).expect("valid header")
    }

    #[test]
    fn headers_parse_from_the_right() {
        let h = header("<!-- event: comment author: yoi ticket at: 2026-06-05T20:30:06Z -->");
        assert_eq!(
            (h.kind.as_str(), h.author.as_str()),
            ("comment", "yoi ticket")
        );
        assert_eq!(h.status, None);
        let h =
            header("<!-- event: review author: a at: b at: T status: approve refs: commit=x -->");
        assert_eq!((h.author.as_str(), h.at.as_str()), ("a at: b", "T"));
        assert_eq!(
            (h.status.as_deref(), h.refs.as_deref()),
            (Some("approve"), Some("commit=x"))
        );
        let h = header("<!-- event: c author: x status: y at: T -->");
        assert_eq!((h.author.as_str(), h.status), ("x status: y", None));
        assert_eq!(header("<!-- event: c author:  at: T -->").author, "");
        for bad in [
            "<!-- event: comment author: a at: T",
            "<!-- event: comment at: T -->",
            "<!-- event: comment author: a -->",
            "<!-- event:comment author: a at: T -->",
        ] {
            assert!(parse_header(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn events_round_trip_through_the_writer() {
        let h = |kind: &str| Header {
            kind: kind.into(),
            author: "a b".into(),
            at: "2026-01-01T00:00:00Z".into(),
            status: None,
            refs: None,
            id: None,
        };
        let bodies = [
            "",
            "x",
            "---\n",
            "<!-- event: fake -->\n\n---\n",
            "\\<!-- event: q\n",
        ];
        let mut text = first_event(&h("create"), "Created", "Created by tickets.sh create.");
        for body in bodies {
            text.push_str(&appended_event(&h("comment"), "Comment", body));
        }
        let thread = parse(&text);
        assert_eq!(thread.events.len(), bodies.len() + 1);
        for (event, body) in thread.events[1..].iter().zip(bodies) {
            assert_eq!(event.body, body);
            assert_eq!(event.heading.as_deref(), Some("Comment"));
            assert!(event.terminated);
        }
    }

    #[test]
    fn crlf_events_read_like_lf_ones() {
        let lf = "<!-- event: create author: a at: 2026-01-01T00:00:00Z -->\n\n## Created\n\nCreated.\n\n---\n\n<!-- event: comment author: a at: 2026-01-01T00:00:01Z -->\n\n## Comment\n\nline one\nline two\n\n---\n";
        let crlf = lf.replace('\n', "\r\n");
        // A CRLF thread to which a writer appended an LF event, and one whose last event has no
        // trailer.
        let appended = format!(
            "{crlf}\n<!-- event: comment author: b at: 2026-01-01T00:00:02Z -->\n\n## Comment\n\nthird\n\n---\n"
        );
        let unterminated = crlf.trim_end_matches("\r\n\r\n---\r\n").to_owned();
        let want = parse(lf);
        for (name, text) in [
            ("crlf", crlf.as_str()),
            ("appended", &appended),
            ("cut", &unterminated),
        ] {
            let got = parse(text);
            for (g, w) in got.events.iter().zip(&want.events) {
                assert_eq!(g.heading, w.heading, "{name}");
                assert_eq!(g.body.replace("\r\n", "\n"), w.body, "{name}");
                assert_eq!(
                    g.header.as_ref().map(|h| &h.kind),
                    w.header.as_ref().map(|h| &h.kind),
                    "{name}"
                );
            }
            assert!(got.events[0].terminated, "{name}");
            assert_eq!(got.events[1].terminated, name != "cut", "{name}");
            assert!(!got.events[0].body.contains("---"), "{name}");
        }
        let third = &parse(&appended).events[2];
        assert_eq!(
            (
                third.heading.as_deref(),
                third.body.as_str(),
                third.terminated
            ),
            (Some("Comment"), "third", true)
        );
    }

    #[test]
    fn writer_bytes_are_the_format() {
        let h = Header {
            kind: "review".into(),
            author: "me".into(),
            at: "2026-01-01T00:00:00Z".into(),
            status: Some("approve".into()),
            refs: None,
            id: None,
        };
        assert_eq!(
            appended_event(&h, "Review: approve", "ok\n"),
            "\n<!-- event: review author: me at: 2026-01-01T00:00:00Z status: approve -->\n\n## Review: approve\n\nok\n\n\n---\n"
        );
        assert_eq!(
            quote_body("a\n<!-- event: x\n\\<!-- event: y"),
            "a\n\\<!-- event: x\n\\\\<!-- event: y"
        );
    }

    #[test]
    fn event_ids_ride_in_refs_and_come_back() {
        // (header line, refs, id)
        let cases = [
            (
                "<!-- event: c author: a at: T refs: id=01abc -->",
                None,
                Some("01abc"),
            ),
            (
                "<!-- event: c author: a at: T refs: commit=x,id=01abc -->",
                Some("commit=x"),
                Some("01abc"),
            ),
            (
                "<!-- event: c author: a at: T refs: commit=x -->",
                Some("commit=x"),
                None,
            ),
            (
                "<!-- event: c author: a at: T refs: id= -->",
                Some("id="),
                None,
            ),
            (
                "<!-- event: c author: a at: T status: s refs: url=u,id=z9 -->",
                Some("url=u"),
                Some("z9"),
            ),
        ];
        for (line, refs, id) in cases {
            let h = header(line);
            assert_eq!((h.refs.as_deref(), h.id.as_deref()), (refs, id), "{line}");
            assert_eq!(header_line(&h), line, "round trip");
        }
    }

    #[test]
    fn ref_values_encode() {
        for v in ["https://x/a,b?c=d", "100%", "a-->b", "永"] {
            let enc = encode_ref_value(v);
            assert!(!enc.contains([',', '=', ' ', '>']));
            assert_eq!(decode_ref_value(&enc).as_deref(), Ok(v));
        }
    }
}
