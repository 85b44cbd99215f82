//! Human output, byte for byte what `tickets.sh` prints.

use ticket_app::{RawView, TicketSummary};

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

fn cell(value: &str) -> String {
    value
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

/// `show`: header lines, item.md as is, and the end of thread.md cut at an event boundary
/// (whole with `full`), after a line saying what was left out.
pub fn show(raw: &RawView, full: bool) -> Vec<u8> {
    let mut out = format!(
        "# {}\n\nPath: {}\nStatus: {}\nID: {}\nSlug: {}\n\n## item.md\n\n",
        raw.title, raw.path, raw.status, raw.id, raw.slug,
    )
    .into_bytes();
    out.extend_from_slice(&raw.item);
    out.extend_from_slice(b"\n\n## thread.md\n\n");
    match raw.thread_shown(full) {
        Some(shown) => {
            if shown.lines_left_out > 0 {
                out.extend_from_slice(
                    format!(
                        "({} earlier lines ({} events) not shown; show --full prints the whole thread)\n\n",
                        shown.lines_left_out, shown.events_left_out
                    )
                    .as_bytes(),
                );
            }
            out.extend_from_slice(shown.bytes);
        }
        None => out.extend_from_slice(b"(missing thread.md)\n"),
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn list_cells_stay_on_one_row() {
        assert_eq!(super::cell("a\tb\nc\rd"), "a\\tb\\nc\\rd");
        assert_eq!(super::cell("Pod: scope 永続化"), "Pod: scope 永続化");
    }
}
