//! Human output, byte for byte what `tickets.sh` prints.

use ticket_app::{RawView, Reason, TicketSummary};

/// The header line of `list`.
pub const LIST_HEADER: &str = "status\tid\tslug\ttitle\tkind\tpriority\tupdated_at\n";

/// A column `list --columns` can print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Status,
    Id,
    Slug,
    Title,
    Kind,
    Priority,
    CreatedAt,
    UpdatedAt,
    Assignee,
    Labels,
    Readiness,
    LegacyTicket,
}

impl Column {
    /// The original tool's columns, in its order.
    pub const DEFAULT: [Column; 7] = [
        Column::Status,
        Column::Id,
        Column::Slug,
        Column::Title,
        Column::Kind,
        Column::Priority,
        Column::UpdatedAt,
    ];
    const ALL: [(Column, &'static str); 12] = [
        (Column::Status, "status"),
        (Column::Id, "id"),
        (Column::Slug, "slug"),
        (Column::Title, "title"),
        (Column::Kind, "kind"),
        (Column::Priority, "priority"),
        (Column::CreatedAt, "created_at"),
        (Column::UpdatedAt, "updated_at"),
        (Column::Assignee, "assignee"),
        (Column::Labels, "labels"),
        (Column::Readiness, "readiness"),
        (Column::LegacyTicket, "legacy_ticket"),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(c, _)| *c == self)
            .map_or("", |(_, n)| n)
    }

    /// `a,b` (exactly these, in this order) or `+a,b` (the default columns, then these).
    pub fn parse_list(text: &str) -> Result<Columns, String> {
        let (mut columns, rest) = match text.trim().strip_prefix('+') {
            Some(rest) => (Self::DEFAULT.to_vec(), rest),
            None => (Vec::new(), text),
        };
        for name in rest.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let column = Self::ALL
                .iter()
                .find(|(_, n)| *n == name)
                .map(|(c, _)| *c)
                .ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|(_, n)| *n).collect();
                    format!("unknown column `{name}`; columns are {}", names.join(", "))
                })?;
            if !columns.contains(&column) {
                columns.push(column);
            }
        }
        if columns.is_empty() {
            return Err(
                "no column named; give comma-separated names, or `+` for the default".into(),
            );
        }
        Ok(Columns(columns))
    }
}

/// The columns of a `list --columns`, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns(pub Vec<Column>);

/// The header line of a `list` with these columns.
pub fn list_header(columns: &[Column]) -> String {
    let mut line = columns
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join("\t");
    line.push('\n');
    line
}

/// One `list` row; tab, LF and CR inside a value are written `\t`, `\n`, `\r`, as `tickets.sh`
/// writes them, so each ticket stays one TSV row.
pub fn list_row(s: &TicketSummary) -> String {
    list_row_with(s, &Column::DEFAULT)
}

/// One `list` row of the given columns. Absent values are empty; labels are `a,b`.
pub fn list_row_with(s: &TicketSummary, columns: &[Column]) -> String {
    let mut row = String::with_capacity(128);
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            row.push('\t');
        }
        match column {
            Column::Status => push_cell(&mut row, s.status.as_str()),
            Column::Id => push_cell(&mut row, s.id.as_str()),
            Column::Slug => push_cell(&mut row, s.slug.as_str()),
            Column::Title => push_cell(&mut row, &s.title),
            Column::Kind => push_cell(&mut row, &s.kind),
            Column::Priority => push_cell(&mut row, &s.priority),
            Column::CreatedAt => push_cell(&mut row, &s.created_at.to_string()),
            Column::UpdatedAt => push_cell(&mut row, &s.updated_at.to_string()),
            Column::Assignee => push_cell(&mut row, s.assignee.as_deref().unwrap_or("")),
            Column::Labels => {
                let labels: Vec<&str> = s.labels.iter().map(|l| l.as_str()).collect();
                push_cell(&mut row, &labels.join(","));
            }
            Column::Readiness => push_cell(&mut row, s.meta.readiness.as_str()),
            Column::LegacyTicket => push_cell(&mut row, s.legacy_ticket.as_deref().unwrap_or("")),
        }
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

/// Reasons a ticket is not ready, as one line: `; ` between them.
pub fn reasons(reasons: &[Reason]) -> String {
    let words: Vec<String> = reasons.iter().map(ToString::to_string).collect();
    cell(&words.join("; "))
}

fn cell(value: &str) -> String {
    let mut out = String::new();
    push_cell(&mut out, value);
    out
}

/// `show`: header lines, item.md as is, and the end of thread.md cut at an event boundary
/// (whole with `full`), after a line saying what was left out.
/// With a live lease, a `Claimed:` line follows `Slug:` (docs/claims.md).
pub fn show(raw: &RawView, full: bool, claim: Option<&ticket_app::Lease>) -> Vec<u8> {
    let claimed = claim
        .map(|l| {
            format!(
                "Claimed: {} (token {}) until {}\n",
                l.holder, l.token, l.expires
            )
        })
        .unwrap_or_default();
    let mut out = format!(
        "# {}\n\nPath: {}\nStatus: {}\nID: {}\nSlug: {}\n{claimed}\n## item.md\n\n",
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
