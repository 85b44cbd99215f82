//! Human output, byte for byte what `tickets.sh` prints.

use ticket_app::{RawView, TicketSummary};

/// The header line of `list`.
pub const LIST_HEADER: &str = "status\tid\tslug\ttitle\tkind\tpriority\tupdated_at\n";

/// One `list` row; tab, LF and CR inside a value are written `\t`, `\n`, `\r`, as `tickets.sh`
/// writes them, so each ticket stays one TSV row.
pub fn list_row(s: &TicketSummary) -> String {
    let updated = s.updated_at.to_string();
    let cells = [
        s.status.as_str(),
        s.id.as_str(),
        s.slug.as_str(),
        &s.title,
        &s.kind,
        &s.priority,
        &updated,
    ];
    let mut row = String::with_capacity(cells.iter().map(|c| c.len() + 1).sum());
    for (i, value) in cells.into_iter().enumerate() {
        if i > 0 {
            row.push('\t');
        }
        push_cell(&mut row, value);
    }
    row.push('\n');
    row
}

/// Appends `value` with tab, LF and CR escaped (most values have none: copied as they are).
pub(crate) fn push_cell(row: &mut String, value: &str) {
    if !value.contains(['\t', '\n', '\r']) {
        row.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '\t' => row.push_str("\\t"),
            '\n' => row.push_str("\\n"),
            '\r' => row.push_str("\\r"),
            c => row.push(c),
        }
    }
}

#[cfg(test)]
fn cell(value: &str) -> String {
    let mut out = String::new();
    push_cell(&mut out, value);
    out
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
