//! Ticket ids and slugs: validated names that are safe to use anywhere, including as a path
//! component by a backend that stores tickets in directories.

use std::fmt;

use serde::{Deserialize, Serialize};
use snafu::Snafu;

/// Why a string is not a valid id or slug.
#[derive(Debug, Clone, PartialEq, Eq, Snafu)]
pub enum IdError {
    #[snafu(display("{what} is empty; give a non-empty {what}"))]
    Empty { what: &'static str },
    #[snafu(display("{what} `{value}` is {len} bytes long; keep it under 256 bytes"))]
    TooLong {
        what: &'static str,
        value: String,
        len: usize,
    },
    #[snafu(display(
        "{what} `{value}` contains {found:?}; use letters, digits, `-`, `_` and `.` only, not starting with `.`"
    ))]
    BadChar {
        what: &'static str,
        value: String,
        found: char,
    },
}

/// `value` as an error message shows it: whole up to 80 characters, else its first 60 and the
/// count, so a name of thousands of characters gives a one-line error.
pub fn shorten(value: &str) -> String {
    if value.chars().count() <= 80 {
        return value.to_owned();
    }
    let head: String = value.chars().take(60).collect();
    format!("{head}... ({} bytes)", value.len())
}

fn validate(what: &'static str, value: &str) -> Result<(), IdError> {
    if value.is_empty() {
        return EmptySnafu { what }.fail();
    }
    if value.len() > 255 {
        return TooLongSnafu {
            what,
            value: shorten(value),
            len: value.len(),
        }
        .fail();
    }
    let bad = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
    let leading_dot = value.starts_with('.').then_some('.');
    match bad.or(leading_dot) {
        Some(found) => BadCharSnafu {
            what,
            value: shorten(value),
            found,
        }
        .fail(),
        None => Ok(()),
    }
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Result<Self, IdError> {
                let value = value.into();
                validate($what, &value)?;
                Ok(Self(value))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "minLength": 1,
                    "pattern": "^[^/.][^/]*$",
                    "description": concat!("A ", $what, ": no `/`, not starting with `.`."),
                })
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, IdError> {
                Self::new(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Hash and Eq are the inner string's, so maps keyed by names can be asked with a `&str`.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

name_type!(
    /// A ticket's stable id, such as `20260527-000001-example`.
    TicketId,
    "ticket id"
);
name_type!(
    /// A ticket's short name, such as `example`; unique by convention, not by construction.
    Slug,
    "slug"
);

impl Slug {
    /// The slug of a title (see [`slugify`]).
    pub fn from_title(title: &str) -> Self {
        Self(slugify(title))
    }
}

/// Lowercase ASCII letters; every run of other bytes becomes one `-`; no `-` at either end;
/// `item` when nothing is left. This is the format's rule, byte for byte.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for b in text.bytes() {
        let c = b.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(char::from(c));
        } else {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("item");
    }
    out
}

/// How a query names a ticket with this id and slug (docs/format.md, "Lookup"), best first:
/// exactly, exactly but for the case of ASCII letters, by a prefix of either (case ignored),
/// or not at all. A lookup takes the tickets of the best kind any ticket has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Naming {
    Exact,
    Folded,
    Prefix,
    No,
}

impl Naming {
    pub fn of(query: &str, id: &str, slug: &str) -> Naming {
        let prefix = |s: &str| {
            s.len() >= query.len()
                && s.as_bytes()[..query.len()].eq_ignore_ascii_case(query.as_bytes())
        };
        if id == query || slug == query {
            Naming::Exact
        } else if id.eq_ignore_ascii_case(query) || slug.eq_ignore_ascii_case(query) {
            Naming::Folded
        } else if prefix(id) || prefix(slug) {
            Naming::Prefix
        } else {
            Naming::No
        }
    }
}

/// What a user typed to name a ticket: an id or a slug, resolved by the backend.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TicketIdOrSlug(String);

impl TicketIdOrSlug {
    pub fn new(query: impl Into<String>) -> Result<Self, IdError> {
        let query = query.into();
        validate("ticket id or slug", &query)?;
        Ok(Self(query))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&TicketId> for TicketIdOrSlug {
    fn from(id: &TicketId) -> Self {
        Self(id.as_str().to_owned())
    }
}

impl fmt::Display for TicketIdOrSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_follows_the_format() {
        for (title, slug) in [
            ("Hello, World!", "hello-world"),
            ("  --Pod: scope 永続化--", "pod-scope"),
            ("永続化", "item"),
            ("", "item"),
            ("A--B__c", "a-b-c"),
            ("v2.0 release", "v2-0-release"),
        ] {
            assert_eq!(slugify(title), slug, "title {title:?}");
        }
    }

    #[test]
    fn names_refuse_path_tricks() {
        for bad in ["", ".", "..", "../x", "a/b", "a b", ".hidden", "a\nb", "é"] {
            assert!(TicketId::new(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(TicketId::new("20260527-000001-example").is_ok());
        assert!(Slug::new("v2.0_x-y").is_ok());
    }
}
