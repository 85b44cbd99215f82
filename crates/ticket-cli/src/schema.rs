//! `ticket schema`: the documents of the wire contract (`ticket_app::wire`), and the JSON Schema
//! of each. Needs no root.

use ticket_app::wire::{self, DOCUMENTS};

use crate::error::CliError;
use crate::output::Out;

/// Without a name, one line per document (`name<TAB>about`, or the `schema` document); with
/// one, its schema (JSON whether or not `--json` was given: a schema is JSON).
pub fn print(name: Option<&str>, out: &mut Out) -> Result<(), CliError> {
    match name {
        Some(name) => match wire::document(name) {
            Some(document) => out.json(&document.schema()),
            // clap accepts only the names of DOCUMENTS.
            None => Err(CliError::Usage(format!("no document is named `{name}`"))),
        },
        None if out.json => out.json(
            &DOCUMENTS
                .iter()
                .map(|d| wire::Listed {
                    name: d.name,
                    about: d.about,
                })
                .collect::<Vec<_>>(),
        ),
        None => {
            let mut text = String::new();
            for d in DOCUMENTS {
                text.push_str(&format!("{}\t{}\n", d.name, d.about));
            }
            out.text(&text)
        }
    }
}
