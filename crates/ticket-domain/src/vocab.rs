//! `open_vocabulary!`: enums over a known set of raw strings that keep any other value as it is.
//!
//! Files outlive tools: a status, event kind or readiness a newer tool wrote must survive a read
//! and a rewrite by an older one, so unknown values become `Other(raw)` instead of errors.

macro_rules! open_vocabulary {
    (
        $(#[$doc:meta])*
        pub enum $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $raw:literal ),+ $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )+
            /// A value this version does not know, kept byte for byte.
            Other(String),
        }

        impl $name {
            /// Every value this version knows, in declaration order.
            pub const VALUES: &'static [&'static str] = &[$( $raw ),+];

            pub fn parse(raw: &str) -> Self {
                match raw {
                    $( $raw => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }

            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $raw, )+
                    Self::Other(raw) => raw,
                }
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                crate::vocab::open_schema(Self::VALUES)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <String as serde::Deserialize>::deserialize(d)?;
                Ok(Self::parse(&raw))
            }
        }
    };
}

pub(crate) use open_vocabulary;

/// The JSON Schema of an open vocabulary: a string, the known values as examples. Any other
/// string is valid too (a value a newer tool wrote is kept as it is), so they are not an `enum`.
pub(crate) fn open_schema(known: &[&str]) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "description": format!(
            "One of {}, or a value another tool wrote, kept as it is.",
            known.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
        ),
        "examples": known,
    })
}
