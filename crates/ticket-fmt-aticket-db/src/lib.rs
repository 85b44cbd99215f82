//! aticket-cli's truth file, `state/ticket.sqlite3` (schema version 8), read into a
//! [`Record`] and written from one. The rest of the format (the mapping, `TICKET.md`) is pure,
//! in `ticket-fmt-aticket`; this crate is its I/O on SQLite, and the [`Aticket`] tracker that
//! reads it.
//!
//! Reading opens the file read-only: an import never changes its source. Writing creates a new
//! file (never over an existing one) with the schema, the rows and the WAL journal the tool
//! uses.

mod tracker;
pub use tracker::Aticket;

use std::path::{Path, PathBuf};

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags};
use snafu::{ResultExt, Snafu};
use ticket_fmt_aticket::record::{self, Row, Sql};
use ticket_fmt_aticket::{Record, Source};

/// A truth file that cannot be read or written.
#[derive(Debug, Snafu)]
pub enum Error {
    #[snafu(display("{}: {source}", path.display()))]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[snafu(display("{}: {what}", path.display()))]
    Shape { path: PathBuf, what: String },
    #[snafu(display("{}: {source}", path.display()))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn sql(v: ValueRef<'_>) -> Sql {
    match v {
        ValueRef::Null => Sql::Null,
        ValueRef::Integer(n) => Sql::Int(n),
        ValueRef::Real(f) => Sql::Real(f),
        ValueRef::Text(t) => Sql::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Sql::Blob(b.to_vec()),
    }
}

fn value(v: &Sql) -> Value {
    match v {
        Sql::Null => Value::Null,
        Sql::Int(n) => Value::Integer(*n),
        Sql::Real(f) => Value::Real(*f),
        Sql::Text(t) => Value::Text(t.clone()),
        Sql::Blob(b) => Value::Blob(b.clone()),
    }
}

fn rows(conn: &Connection, path: &Path, query: &str) -> Result<Vec<Row>, Error> {
    let mut stmt = conn.prepare(query).context(SqliteSnafu { path })?;
    let names: Vec<String> = stmt
        .column_names()
        .iter()
        .map(|n| (*n).to_owned())
        .collect();
    let mut out = Vec::new();
    let mut found = stmt.query([]).context(SqliteSnafu { path })?;
    while let Some(row) = found.next().context(SqliteSnafu { path })? {
        let mut r = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            r.push((
                name.clone(),
                sql(row.get_ref(i).context(SqliteSnafu { path })?),
            ));
        }
        out.push(r);
    }
    Ok(out)
}

/// Reads the truth file of the ticket directory `dir` (named `dir_name`), read-only, and the
/// side files of `state/`.
pub fn read(dir: &Path, dir_name: &str) -> Result<Record, Error> {
    let path = dir.join(ticket_fmt_aticket::DB_PATH);
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .context(SqliteSnafu { path: &path })?;
    let one = |table: &str, query: &str| -> Result<Row, Error> {
        rows(&conn, &path, query)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Shape {
                path: path.clone(),
                what: format!("the table {table} has no row"),
            })
    };
    let meta = one("ticket_meta", "SELECT * FROM ticket_meta LIMIT 1")?;
    let view = one(
        "current_view",
        "SELECT * FROM current_view WHERE singleton = 1",
    )?;
    let notices = rows(&conn, &path, "SELECT * FROM notices ORDER BY id ASC")?;
    let side = |name: &str| -> Result<Option<String>, Error> {
        let p = dir.join(name);
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_file() => std::fs::read_to_string(&p)
                .map(Some)
                .context(IoSnafu { path: &p }),
            _ => Ok(None),
        }
    };
    Ok(Record {
        dir: dir_name.to_owned(),
        meta,
        view,
        notices,
        fork_json: side(ticket_fmt_aticket::FORK_JSON)?,
        squash_json: side(ticket_fmt_aticket::SQUASH_JSON)?,
        source: Source::Sqlite,
    })
}

fn insert(conn: &Connection, path: &Path, table: &str, row: &Row) -> Result<(), Error> {
    let names: Vec<&str> = row.iter().map(|(n, _)| n.as_str()).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let query = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        marks.join(", ")
    );
    let values: Vec<Value> = row.iter().map(|(_, v)| value(v)).collect();
    conn.execute(&query, rusqlite::params_from_iter(values))
        .context(SqliteSnafu { path })?;
    Ok(())
}

/// Keeps only the columns of `row` the schema has (a newer tool's extra columns are not written).
fn known(row: &Row, columns: &[(&str, &str)]) -> Row {
    row.iter()
        .filter(|(n, _)| columns.iter().any(|(c, _)| c == n))
        .cloned()
        .collect()
}

/// Creates a truth file at `path` (which must not exist) holding `r`.
pub fn create(path: &Path, r: &Record) -> Result<(), Error> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Error::Shape {
            path: path.to_path_buf(),
            what: "exists already; a truth file is never replaced".into(),
        });
    }
    let conn = Connection::open(path).context(SqliteSnafu { path })?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .context(SqliteSnafu { path })?;
    conn.execute_batch(&record::schema_sql())
        .context(SqliteSnafu { path })?;
    conn.execute_batch("BEGIN IMMEDIATE")
        .context(SqliteSnafu { path })?;
    insert(
        &conn,
        path,
        "ticket_meta",
        &known(&r.meta, &record::META_COLUMNS),
    )?;
    insert(
        &conn,
        path,
        "current_view",
        &known(&r.view, &record::VIEW_COLUMNS),
    )?;
    for n in &r.notices {
        insert(&conn, path, "notices", &known(n, &record::NOTICE_COLUMNS))?;
    }
    conn.execute_batch("COMMIT").context(SqliteSnafu { path })?;
    conn.close().map_err(|(_, source)| Error::Sqlite {
        path: path.to_path_buf(),
        source,
    })
}

/// The bytes of a truth file holding `r`, built in a scratch directory.
pub fn bytes(r: &Record) -> Result<Vec<u8>, Error> {
    let scratch = tempfile::tempdir().context(IoSnafu { path: "scratch" })?;
    let path = scratch.path().join("ticket.sqlite3");
    create(&path, r)?;
    std::fs::read(&path).context(IoSnafu { path: &path })
}

/// Creates a truth file at `path` from SQL statements run after the schema (how the fixtures'
/// `state/ticket.sql` become SQLite files in tests: a binary file would say less in a review).
pub fn create_from_sql(path: &Path, statements: &str) -> Result<(), Error> {
    let conn = Connection::open(path).context(SqliteSnafu { path })?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .context(SqliteSnafu { path })?;
    conn.execute_batch(&record::schema_sql())
        .context(SqliteSnafu { path })?;
    conn.execute_batch(statements)
        .context(SqliteSnafu { path })?;
    conn.close().map_err(|(_, source)| Error::Sqlite {
        path: path.to_path_buf(),
        source,
    })
}
