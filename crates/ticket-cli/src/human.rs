//! Human output, byte for byte what `tickets.sh` prints.

use ticket_app::{RawView, Reason, TicketSummary};

/// The header line of `list`.
pub const LIST_HEADER: &str = "status\tid\tslug\ttitle\tkind\tpriority\tupdated_at\n";

/// One `list` row; tab, LF and CR inside a value are written `\t`, `\n`, `\r`, as `tickets.sh`
/// writes them, so each ticket stays one TSV row.
pub fn list_row(s: &TicketSummary) -> String {
    let cells = [
        s.status.as_str(),
        s.id.as_str(),
        s.slug.as_str(),
        &s.title,
        &s.kind,
        &s.priority,
        &s.updated_at.to_string(),
    ]
    .map(cell);
    format!("{}\n", cells.join("\t"))
}

/// Reasons a ticket is not ready, as one line: `; ` between them.
pub fn reasons(reasons: &[Reason]) -> String {
    let words: Vec<String> = reasons.iter().map(ToString::to_string).collect();
    cell(&words.join("; "))
}

fn cell(value: &str) -> String {
    value
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

/// `show`: header lines, item.md as is, and the last 80 lines of thread.md.
pub fn show(raw: &RawView) -> Vec<u8> {
    let mut out = format!(
        "# {}\n\nPath: {}\nStatus: {}\nID: {}\nSlug: {}\n\n## item.md\n\n",
        raw.title, raw.path, raw.status, raw.id, raw.slug,
    )
    .into_bytes();
    out.extend_from_slice(&raw.item);
    out.extend_from_slice(b"\n\n## thread.md\n\n");
    match &raw.thread {
        Some(thread) => out.extend_from_slice(tail_lines(thread, 80)),
        None => out.extend_from_slice(b"(missing thread.md)\n"),
    }
    out
}

/// The last `n` lines of `text`, as `tail -n` prints them (a final line without `\n` counts).
pub fn tail_lines(text: &[u8], n: usize) -> &[u8] {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    let mut seen = 0;
    for (i, b) in body.iter().enumerate().rev() {
        if *b == b'\n' {
            seen += 1;
            if seen == n {
                return &text[i + 1..];
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::tail_lines;

    #[test]
    fn list_cells_stay_on_one_row() {
        assert_eq!(super::cell("a\tb\nc\rd"), "a\\tb\\nc\\rd");
        assert_eq!(super::cell("Pod: scope 永続化"), "Pod: scope 永続化");
    }

    #[test]
    fn tail_counts_like_tail() {
        assert_eq!(tail_lines(b"a\nb\nc\n", 2), b"b\nc\n");
        assert_eq!(tail_lines(b"a\nb\nc", 2), b"b\nc");
        assert_eq!(tail_lines(b"a\nb\n", 5), b"a\nb\n");
        assert_eq!(tail_lines(b"", 3), b"");
        assert_eq!(tail_lines(b"\n\n\n", 2), b"\n\n");
    }
}
