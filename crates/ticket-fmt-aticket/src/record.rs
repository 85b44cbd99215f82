//! One aticket-cli ticket as data: the rows of its three tables (every column, by name, in
//! table order), the side files of `state/`, and its directory name. The SQLite I/O that fills
//! and writes it lives in `ticket-fmt-aticket-db`; [`crate::render`] turns it into `TICKET.md`
//! and back.

use ticket_format::json::Json;

/// A SQLite value.
#[derive(Clone, Debug, PartialEq)]
pub enum Sql {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Sql {
    pub fn text(&self) -> Option<&str> {
        match self {
            Sql::Text(s) => Some(s),
            _ => None,
        }
    }

    /// As Python's `str(x or "")`: text, a number's digits, or empty.
    pub fn display(&self) -> String {
        match self {
            Sql::Null => String::new(),
            Sql::Int(n) => n.to_string(),
            Sql::Real(f) => f.to_string(),
            Sql::Text(s) => s.clone(),
            Sql::Blob(b) => String::from_utf8_lossy(b).into_owned(),
        }
    }

    /// As a namespaced value: text a string, integers numbers, NULL `null`, a blob its hex.
    pub fn to_json(&self) -> Json {
        match self {
            Sql::Null => Json::Null,
            Sql::Int(n) => Json::Number(n.to_string()),
            Sql::Real(f) => Json::Object(vec![("real".into(), Json::String(f.to_string()))]),
            Sql::Text(s) => Json::String(s.clone()),
            Sql::Blob(b) => Json::Object(vec![(
                "blob".into(),
                Json::String(b.iter().map(|x| format!("{x:02x}")).collect()),
            )]),
        }
    }

    pub fn from_json(v: &Json) -> Sql {
        match v {
            Json::Null => Sql::Null,
            Json::Number(n) => n.parse().map_or_else(|_| Sql::Text(n.clone()), Sql::Int),
            Json::String(s) => Sql::Text(s.clone()),
            Json::Bool(b) => Sql::Int(i64::from(*b)),
            Json::Object(_) => {
                if let Some(r) = v.get("real").and_then(Json::as_str) {
                    return r.parse().map_or(Sql::Null, Sql::Real);
                }
                let hex = v.get("blob").and_then(Json::as_str).unwrap_or_default();
                Sql::Blob(
                    (0..hex.len() / 2)
                        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
                        .collect(),
                )
            }
            Json::Array(_) => Sql::Text(ticket_format::json::compact(v)),
        }
    }
}

/// One row: columns in table order.
pub type Row = Vec<(String, Sql)>;

/// The value of a column, `Null` when the row lacks it.
pub fn col<'a>(row: &'a Row, name: &str) -> &'a Sql {
    row.iter()
        .find(|(k, _)| k == name)
        .map_or(&Sql::Null, |(_, v)| v)
}

/// Sets a column, adding it at the end when the row lacks it.
pub fn set(row: &mut Row, name: &str, value: Sql) {
    match row.iter_mut().find(|(k, _)| k == name) {
        Some((_, v)) => *v = value,
        None => row.push((name.to_owned(), value)),
    }
}

/// Where a record was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `state/ticket.sqlite3`, the truth.
    Sqlite,
    /// `TICKET.md` alone (in git only it survives: `state/` is git-ignored).
    Rendered,
}

/// A whole aticket-cli ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The ticket directory's name, `<YYYY-MM-DD>-<topic>-<HHMMSS>`: its only stable id.
    pub dir: String,
    /// The `ticket_meta` row.
    pub meta: Row,
    /// The `current_view` row.
    pub view: Row,
    /// The `notices` rows, by id.
    pub notices: Vec<Row>,
    /// `state/fork.json` and `state/squash.json`, as they are.
    pub fork_json: Option<String>,
    pub squash_json: Option<String>,
    pub source: Source,
}

/// The schema this crate writes (aticket-cli's version 8): each table's columns, their SQL
/// types and constraints, in order.
pub const META_COLUMNS: [(&str, &str); 24] = [
    ("ticket_dir", "TEXT PRIMARY KEY"),
    ("title", "TEXT"),
    ("created_at", "TEXT NOT NULL"),
    ("updated_at", "TEXT NOT NULL"),
    ("source_ticket_dir", "TEXT"),
    ("canonical_source", "TEXT"),
    ("fork_metadata_json", "TEXT"),
    ("lifecycle_state", "TEXT NOT NULL DEFAULT 'ACTIVE'"),
    ("archived_at", "TEXT"),
    ("owner_id", "TEXT"),
    ("owner_label", "TEXT"),
    ("owner_claimed_at", "TEXT"),
    ("owner_released_at", "TEXT"),
    ("owner_last_action", "TEXT"),
    ("owner_last_actor_id", "TEXT"),
    ("owner_last_actor_label", "TEXT"),
    ("owner_last_action_at", "TEXT"),
    ("squashed_into_ticket_dir", "TEXT"),
    ("squashed_into_ticket_uri", "TEXT"),
    ("squashed_into_at", "TEXT"),
    ("render_revision", "INTEGER NOT NULL DEFAULT 0"),
    ("rendered_revision", "INTEGER NOT NULL DEFAULT 0"),
    ("last_rendered_at", "TEXT"),
    ("schema_version", "INTEGER NOT NULL DEFAULT 8"),
];

pub const VIEW_COLUMNS: [(&str, &str); 12] = [
    ("singleton", "INTEGER PRIMARY KEY CHECK (singleton = 1)"),
    ("goal", "TEXT"),
    ("short_context", "TEXT"),
    ("must_remember", "TEXT"),
    ("scope_non_goals", "TEXT"),
    ("items", "TEXT"),
    ("links_extra_md", "TEXT"),
    ("decisions_md", "TEXT"),
    ("artifacts_md", "TEXT"),
    ("work_log_md", "TEXT"),
    ("env_md", "TEXT"),
    ("updated_at", "TEXT NOT NULL"),
];

pub const NOTICE_COLUMNS: [(&str, &str); 12] = [
    ("id", "INTEGER PRIMARY KEY AUTOINCREMENT"),
    ("created_at", "TEXT NOT NULL"),
    ("message", "TEXT NOT NULL"),
    ("from_ticket", "TEXT"),
    ("with_items_json", "TEXT NOT NULL DEFAULT '[]'"),
    ("sender", "TEXT NOT NULL"),
    ("sender_label", "TEXT"),
    ("checked_at", "TEXT"),
    ("checked_by", "TEXT"),
    ("checked_by_label", "TEXT"),
    ("logged_at", "TEXT"),
    ("archived_delivery", "INTEGER NOT NULL DEFAULT 0"),
];

/// The version of the schema above.
pub const SCHEMA_VERSION: i64 = 8;

/// `CREATE TABLE` statements for the schema above.
pub fn schema_sql() -> String {
    let table = |name: &str, cols: &[(&str, &str)]| {
        let body: Vec<String> = cols.iter().map(|(c, t)| format!("  {c} {t}")).collect();
        format!(
            "CREATE TABLE IF NOT EXISTS {name} (\n{}\n);\n",
            body.join(",\n")
        )
    };
    format!(
        "{}{}{}",
        table("ticket_meta", &META_COLUMNS),
        table("current_view", &VIEW_COLUMNS),
        table("notices", &NOTICE_COLUMNS)
    )
}
