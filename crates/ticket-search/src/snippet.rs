//! Which field of a hit matched, and a short snippet of it.
//!
//! Each field of the ticket (its title, body, each event, its resolution) is analysed as the
//! index analyses it and the query's parts are looked for in its terms. The field that matches
//! the most parts wins (then the most matches; then the first in the order title, body, events
//! in thread order, resolution), and the snippet is the window of about [`WIDTH`] characters
//! holding the most matches, on one line.

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::analysis::{self, Term};
use crate::doc::TicketDoc;
use crate::query::{Part, Query};

/// About how many characters a snippet holds.
pub const WIDTH: usize = 160;
/// How many characters a snippet shows before its first match.
const LEAD: usize = 40;

/// Where a hit matched.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Title,
    Body,
    /// The `index`-th event of the thread (from 0), of this kind.
    Event {
        index: usize,
        kind: String,
    },
    Resolution,
}

impl Field {
    /// `title`, `body`, `event:<kind>` or `resolution`.
    pub fn name(&self) -> String {
        match self {
            Field::Title => "title".into(),
            Field::Body => "body".into(),
            Field::Event { kind, .. } => format!("event:{kind}"),
            Field::Resolution => "resolution".into(),
        }
    }
}

/// The best field so far: its rank, which field, its text and its matches.
type Best<'a> = ((usize, usize), Field, &'a str, Vec<Match>);

/// A match: its byte span in the text and which part of the query it is.
struct Match {
    from: usize,
    to: usize,
    part: usize,
}

/// The field of `doc` that best matches `query` and its snippet. With `event_kind`, only events
/// of that kind are considered, as only they were searched.
pub(crate) fn best(doc: &TicketDoc, query: &Query, event_kind: Option<&str>) -> (Field, String) {
    let mut analyzer = analysis::analyzer();
    let mut fields: Vec<(Field, &str)> = Vec::new();
    if event_kind.is_none() {
        fields.push((Field::Title, &doc.title));
        fields.push((Field::Body, &doc.body));
    }
    for (index, e) in doc.events.iter().enumerate() {
        if event_kind.is_none_or(|k| k == e.kind) {
            fields.push((
                Field::Event {
                    index,
                    kind: e.kind.clone(),
                },
                &e.body,
            ));
        }
    }
    if event_kind.is_none()
        && let Some(r) = &doc.resolution
    {
        fields.push((Field::Resolution, r));
    }
    let mut best: Option<Best<'_>> = None;
    for (field, text) in fields {
        let found = matches(&mut analyzer, text, query.parts());
        let mut parts: Vec<usize> = found.iter().map(|m| m.part).collect();
        parts.sort_unstable();
        parts.dedup();
        let rank = (parts.len(), found.len());
        if rank.0 > 0 && best.as_ref().is_none_or(|b| rank > b.0) {
            best = Some((rank, field, text, found));
        }
    }
    match best {
        Some((_, Field::Title, text, _)) => (Field::Title, one_line(text)),
        Some((_, field, text, found)) => (field, window(text, &found)),
        None => (Field::Title, one_line(&doc.title)),
    }
}

/// Every match of `parts` in `text`. Only the terms the parts name are kept from the analysis,
/// so a long text costs its analysis and little more.
fn matches(analyzer: &mut TextAnalyzer, text: &str, parts: &[Part]) -> Vec<Match> {
    let mut exact: Vec<&str> = Vec::new();
    let mut prefixes: Vec<&str> = Vec::new();
    for part in parts {
        match part {
            Part::Term(t) => exact.push(t),
            Part::Prefix(p) => prefixes.push(p),
            Part::Phrase(phrase) => exact.extend(phrase.iter().map(|(_, t)| t.as_str())),
            Part::PhrasePrefix(phrase, (_, p)) => {
                exact.extend(phrase.iter().map(|(_, t)| t.as_str()));
                prefixes.push(p);
            }
        }
    }
    let mut terms: Vec<Term> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        let wanted =
            exact.contains(&t.text.as_str()) || prefixes.iter().any(|p| t.text.starts_with(p));
        if wanted {
            terms.push(Term {
                text: t.text.clone(),
                position: t.position,
                from: t.offset_from,
                to: t.offset_to,
                cjk: false,
            });
        }
    }
    if terms.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        match part {
            Part::Term(t) => out.extend(terms.iter().filter(|x| x.text == *t).map(|x| Match {
                from: x.from,
                to: x.to,
                part: k,
            })),
            Part::Prefix(p) => out.extend(
                terms
                    .iter()
                    .filter(|x| x.text.starts_with(p.as_str()))
                    .map(|x| Match {
                        from: x.from,
                        to: x.to,
                        part: k,
                    }),
            ),
            Part::Phrase(phrase) => phrases(&terms, phrase, None, k, &mut out),
            Part::PhrasePrefix(phrase, last) => phrases(&terms, phrase, Some(last), k, &mut out),
        }
    }
    out.sort_by_key(|m| (m.from, m.part));
    out
}

/// Matches of a phrase (and its prefix last term): terms at the phrase's relative positions.
fn phrases(
    terms: &[Term],
    phrase: &[(usize, String)],
    last: Option<&(usize, String)>,
    part: usize,
    out: &mut Vec<Match>,
) {
    let mut by_position: std::collections::HashMap<usize, Vec<&Term>> =
        std::collections::HashMap::new();
    for t in terms {
        by_position.entry(t.position).or_default().push(t);
    }
    let at = |position: usize, want: &str, prefix: bool| {
        by_position.get(&position)?.iter().copied().find(|t| {
            if prefix {
                t.text.starts_with(want)
            } else {
                t.text == want
            }
        })
    };
    let Some((_, first)) = phrase.first() else {
        return;
    };
    for start in terms.iter().filter(|t| t.text == *first) {
        let mut end = start.to;
        let mut ok = true;
        for (offset, want) in &phrase[1..] {
            match at(start.position + offset, want, false) {
                Some(t) => end = end.max(t.to),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if let Some((offset, want)) = last
            && ok
        {
            match at(start.position + offset, want, true) {
                Some(t) => end = end.max(t.to),
                None => ok = false,
            }
        }
        if ok {
            out.push(Match {
                from: start.from,
                to: end,
                part,
            });
        }
    }
}

/// The window of `text` around the most matches (the most parts, then the most matches, then
/// the earliest), on one line, with `…` where it was cut.
fn window(text: &str, found: &[Match]) -> String {
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let char_of = |byte: usize| starts.partition_point(|&b| b < byte);
    let byte_of = |ch: usize| starts.get(ch).copied().unwrap_or(text.len());
    let mut best: Option<((usize, usize), usize, usize)> = None;
    // At most this many windows are weighed (the first matches): a field of thousands of
    // matches needs no more to show a good one.
    for m in found.iter().take(256) {
        let begin = char_of(m.from).saturating_sub(LEAD);
        let end = (begin + WIDTH).min(starts.len());
        let (b, e) = (byte_of(begin), byte_of(end));
        let mut parts: Vec<usize> = Vec::new();
        let mut count = 0;
        for x in found
            .iter()
            .skip_while(|x| x.from < b)
            .take_while(|x| x.from < e)
        {
            if x.to <= e {
                count += 1;
                if !parts.contains(&x.part) {
                    parts.push(x.part);
                }
            }
        }
        let rank = (parts.len(), count);
        if best.as_ref().is_none_or(|x| rank > x.0) {
            best = Some((rank, begin, end));
        }
    }
    let (begin, end) = best.map_or((0, WIDTH.min(starts.len())), |b| (b.1, b.2));
    let mut out = String::new();
    if begin > 0 {
        out.push('…');
    }
    out.push_str(&one_line(&text[byte_of(begin)..byte_of(end)]));
    if end < starts.len() {
        out.push('…');
    }
    out
}

/// `text` with every run of whitespace made one space, trimmed.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::EventText;

    fn doc() -> TicketDoc {
        TicketDoc {
            key: "open/x".into(),
            id: "x".into(),
            slug: "x".into(),
            title: "Pod scope".into(),
            status: "open".into(),
            kind: "task".into(),
            labels: vec![],
            assignee: None,
            body: "Background.\n\nThe pod scope must survive a restart: 永続化する.".into(),
            events: vec![
                EventText {
                    kind: "comment".into(),
                    body: "Nothing about it.".into(),
                },
                EventText {
                    kind: "plan".into(),
                    body: "Plan: persist the scope in a file, then 永続化 it.".into(),
                },
            ],
            resolution: Some("Done: the scope persists.".into()),
        }
    }

    fn best_of(q: &str, kind: Option<&str>) -> (String, String) {
        let (f, s) = best(&doc(), &Query::parse(q).expect("query"), kind);
        (f.name(), s)
    }

    #[test]
    fn the_field_with_the_most_parts_wins() {
        assert_eq!(best_of("pod scope", None).0, "title");
        assert_eq!(best_of("survive", None).0, "body");
        assert_eq!(best_of("persist file", None).0, "event:plan");
        assert_eq!(best_of("persists", None).0, "resolution");
        assert_eq!(best_of("永続化", None).0, "body");
        assert_eq!(best_of("永続化", Some("plan")).0, "event:plan");
        assert_eq!(best_of("\"then 永続化\"", None).0, "event:plan");
        assert_eq!(best_of("pers*", None).0, "event:plan");
    }

    #[test]
    fn snippets_are_one_line_around_the_matches() {
        let (_, s) = best_of("survive", None);
        assert_eq!(
            s,
            "Background. The pod scope must survive a restart: 永続化する."
        );
        let long = format!("{} needle {}", "word ".repeat(100), "tail ".repeat(100));
        let found = matches(
            &mut analysis::analyzer(),
            &long,
            Query::parse("needle").expect("query").parts(),
        );
        let s = window(&long, &found);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("needle"), "{s}");
        assert!(s.chars().count() <= WIDTH + 2, "{}", s.chars().count());
    }
}
