//! What a query says: words, `"quoted phrases"` and `prefix*` terms, every one of which must
//! match somewhere in a ticket (its title, body, an event or its resolution).
//!
//! Each word or phrase is analysed as the index analyses text (`analysis`): a word that gives
//! several terms (`pod:scope`, `永続化`) is a phrase of them; a single CJK character is a prefix
//! of the pairs it begins; a phrase or word followed by `*` ends in a prefix.

use snafu::Snafu;

use crate::analysis;

/// A query that cannot be searched for.
#[derive(Debug, Snafu, PartialEq, Eq)]
pub enum QueryError {
    /// Nothing in the query is a word (only punctuation or spaces).
    #[snafu(display(
        "nothing to search for in `{query}`: give at least one word of letters or digits"
    ))]
    Empty { query: String },
}

/// One part of a query; a ticket matches when every part matches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// One term.
    Term(String),
    /// Terms at these positions relative to the first.
    Phrase(Vec<(usize, String)>),
    /// Any term beginning with this.
    Prefix(String),
    /// A phrase whose last term is a prefix.
    PhrasePrefix(Vec<(usize, String)>, (usize, String)),
}

/// A parsed query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    text: String,
    parts: Vec<Part>,
}

impl Query {
    /// Parses `text`: whitespace separates words; `"..."` is a phrase (an unclosed quote runs to
    /// the end); a trailing `*` makes the last term a prefix.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let mut analyzer = analysis::analyzer();
        let mut parts: Vec<Part> = Vec::new();
        for (raw, prefix) in split(text) {
            if let Some(part) = part(&mut analyzer, &raw, prefix)
                && !parts.contains(&part)
            {
                parts.push(part);
            }
        }
        if parts.is_empty() {
            return Err(QueryError::Empty {
                query: text.to_owned(),
            });
        }
        Ok(Query {
            text: text.to_owned(),
            parts,
        })
    }

    /// The query as it was typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn parts(&self) -> &[Part] {
        &self.parts
    }
}

/// The words and phrases of a query, each with whether it ends in `*`.
fn split(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut raw = String::new();
        if c == '"' {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                raw.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                raw.push(c);
                chars.next();
            }
        }
        let mut prefix = false;
        while chars.peek() == Some(&'*') {
            chars.next();
            prefix = true;
        }
        let trimmed = raw.trim_end_matches('*');
        prefix |= trimmed.len() != raw.len();
        out.push((trimmed.to_owned(), prefix));
    }
    out
}

/// The part a word or phrase makes, if it has any term.
fn part(analyzer: &mut tantivy::tokenizer::TextAnalyzer, raw: &str, prefix: bool) -> Option<Part> {
    let mut terms: Vec<analysis::Term> = Vec::new();
    for t in analysis::terms(analyzer, raw) {
        // A CJK run's last character shares its position with the last pair: the pair is
        // enough to find it in a phrase.
        if terms.last().is_none_or(|last| last.position != t.position) {
            terms.push(t);
        }
    }
    let first = terms.first()?.position;
    let last = terms.last()?;
    let lone_cjk = last.cjk && last.text.chars().count() == 1;
    let prefix = prefix || lone_cjk;
    let mut phrase: Vec<(usize, String)> = terms
        .iter()
        .map(|t| (t.position - first, t.text.clone()))
        .collect();
    Some(match (phrase.len(), prefix) {
        (1, false) => Part::Term(phrase.remove(0).1),
        (1, true) => Part::Prefix(phrase.remove(0).1),
        (_, false) => Part::Phrase(phrase),
        (_, true) => {
            let end = phrase.pop()?;
            Part::PhrasePrefix(phrase, end)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<Part> {
        Query::parse(text).expect("parses").parts
    }

    fn phrase(terms: &[(usize, &str)]) -> Vec<(usize, String)> {
        terms.iter().map(|(p, t)| (*p, t.to_string())).collect()
    }

    #[test]
    fn words_phrases_and_prefixes() {
        assert_eq!(
            parts("Parser lock"),
            [Part::Term("parser".into()), Part::Term("lock".into())]
        );
        assert_eq!(
            parts("\"fix the parser\" pars*"),
            [
                Part::Phrase(phrase(&[(0, "fix"), (1, "the"), (2, "parser")])),
                Part::Prefix("pars".into())
            ]
        );
        assert_eq!(
            parts("pod:scope"),
            [Part::Phrase(phrase(&[(0, "pod"), (1, "scope")]))]
        );
        assert_eq!(
            parts("\"fix the pa\"*"),
            [Part::PhrasePrefix(
                phrase(&[(0, "fix"), (1, "the")]),
                (2, "pa".into())
            )]
        );
        assert_eq!(parts("lock LOCK Lock"), [Part::Term("lock".into())]);
        assert_eq!(
            parts("\"unclosed phrase"),
            [Part::Phrase(phrase(&[(0, "unclosed"), (1, "phrase")]))]
        );
    }

    #[test]
    fn cjk_words_are_phrases_of_pairs_and_lone_characters_prefixes() {
        assert_eq!(
            parts("永続化"),
            [Part::Phrase(phrase(&[(0, "永続"), (1, "続化")]))]
        );
        assert_eq!(parts("設計"), [Part::Term("設計".into())]);
        assert_eq!(parts("化"), [Part::Prefix("化".into())]);
        assert_eq!(
            parts("第3回"),
            [Part::PhrasePrefix(
                phrase(&[(0, "第"), (1, "3")]),
                (2, "回".into())
            )]
        );
    }

    #[test]
    fn a_query_without_words_is_refused() {
        for q in ["", "   ", "!!! ---", "\"\"", "*"] {
            assert!(
                matches!(Query::parse(q), Err(QueryError::Empty { .. })),
                "{q:?}"
            );
        }
    }
}
