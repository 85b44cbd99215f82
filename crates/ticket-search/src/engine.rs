//! Ranking: a parsed query and filters made into tantivy weights, scored by BM25 with exact
//! statistics and summed in a fixed order, so that two indexes holding the same tickets give the
//! same scores bit for bit, whatever their segments and deleted documents.
//!
//! Why not tantivy's own combination: its statistics count deleted documents until segments
//! merge, its prefix expansion is per segment, and its conjunctions add sub-scores in the order
//! of their posting lists' lengths, which differ from one segment layout to another. An
//! incrementally updated index and a fresh one would then rank near-ties differently.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap, HashSet};

use tantivy::query::{
    Bm25StatisticsProvider, EmptyScorer, EnableScoring, Explanation, PhraseQuery, Query, Scorer,
    TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use crate::query::Part;
use crate::schema::Fields;
use crate::{Filters, Request};

/// At most this many terms stand for one prefix (the most frequent, then in byte order).
pub const MAX_EXPANSIONS: usize = 64;
/// How much more a word in the title counts than the same word elsewhere.
pub const TITLE_BOOST: Score = 2.0;

/// A ranked document: where it is in the searcher, its score and what orders ties.
#[derive(Clone, Debug)]
pub(crate) struct Ranked {
    pub score: Score,
    pub id: String,
    pub key: String,
}

/// The documents a search ranks: segments of one or more searchers (the index on disk and an
/// overlay in memory), each with the documents to leave out beside its deleted ones.
pub(crate) struct View<'a> {
    /// The searcher whose schema and readers weights are built with (they all share a schema).
    pub searcher: &'a Searcher,
    pub segments: Vec<(&'a SegmentReader, Option<&'a HashSet<DocId>>)>,
    /// Per segment, its documents that are not live (deleted or left out), in order.
    dead: Vec<Vec<DocId>>,
}

impl<'a> View<'a> {
    /// Every segment of `searchers`, the first one's documents in `excluded` (by segment
    /// ordinal) left out.
    pub fn new(searchers: &[&'a Searcher], excluded: &'a HashMap<u32, HashSet<DocId>>) -> View<'a> {
        let mut segments = Vec::new();
        for (n, searcher) in searchers.iter().enumerate() {
            for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                let out = if n == 0 {
                    excluded.get(&(ord as u32))
                } else {
                    None
                };
                segments.push((reader, out));
            }
        }
        let dead = segments
            .iter()
            .map(|(reader, out)| {
                if !reader.has_deletes() {
                    let mut d: Vec<DocId> =
                        out.map(|o| o.iter().copied().collect()).unwrap_or_default();
                    d.sort_unstable();
                    return d;
                }
                (0..reader.max_doc())
                    .filter(|doc| !View::live(reader, *out, *doc))
                    .collect()
            })
            .collect();
        View {
            searcher: searchers[0],
            segments,
            dead,
        }
    }

    fn live(reader: &SegmentReader, out: Option<&HashSet<DocId>>, doc: DocId) -> bool {
        !reader.is_deleted(doc) && out.is_none_or(|o| !o.contains(&doc))
    }
}

/// BM25 statistics over the documents of a view that are live (neither deleted nor left out),
/// computed the same way in every index: document frequencies count live postings, and token
/// totals add up the live documents' field norms.
struct ExactStats<'s, 'a> {
    view: &'s View<'a>,
    num_docs: u64,
    tokens: HashMap<Field, u64>,
}

impl<'s, 'a> ExactStats<'s, 'a> {
    fn new(view: &'s View<'a>, fields: &[Field]) -> tantivy::Result<ExactStats<'s, 'a>> {
        let mut num_docs = 0u64;
        let mut tokens: HashMap<Field, u64> = fields.iter().map(|f| (*f, 0)).collect();
        for (reader, out) in &view.segments {
            let norms: Vec<(Field, tantivy::fieldnorm::FieldNormReader)> = fields
                .iter()
                .map(|f| Ok((*f, reader.get_fieldnorms_reader(*f)?)))
                .collect::<tantivy::Result<_>>()?;
            for doc in reader.doc_ids_alive() {
                if out.is_some_and(|o| o.contains(&doc)) {
                    continue;
                }
                num_docs += 1;
                for (field, norm) in &norms {
                    if let Some(total) = tokens.get_mut(field) {
                        *total += u64::from(norm.fieldnorm(doc));
                    }
                }
            }
        }
        Ok(ExactStats {
            view,
            num_docs,
            tokens,
        })
    }
}

/// Live documents of `view` holding `term`: a segment's count, less its dead documents that
/// hold the term (each looked up in the postings, when they are few), or its live postings
/// counted one by one.
fn live_doc_freq(view: &View<'_>, term: &Term) -> tantivy::Result<u64> {
    let mut df = 0u64;
    for ((reader, out), dead) in view.segments.iter().zip(&view.dead) {
        let inverted = reader.inverted_index(term.field())?;
        let Some(info) = inverted.get_term_info(term)? else {
            continue;
        };
        let total = u64::from(info.doc_freq);
        if dead.is_empty() {
            df += total;
            continue;
        }
        let mut postings = inverted.read_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
        if (dead.len() as u64) * 8 < total {
            let mut gone = 0u64;
            for &d in dead {
                let mut doc = postings.doc();
                if doc < d {
                    doc = postings.seek(d);
                }
                if doc == TERMINATED {
                    break;
                }
                if doc == d {
                    gone += 1;
                }
            }
            df += total - gone;
        } else {
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if View::live(reader, *out, doc) {
                    df += 1;
                }
                doc = postings.advance();
            }
        }
    }
    Ok(df)
}

impl Bm25StatisticsProvider for ExactStats<'_, '_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        Ok(self.tokens.get(&field).copied().unwrap_or(0))
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.num_docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        live_doc_freq(self.view, term)
    }
}

/// A query tree whose sums are ours.
enum Node {
    Leaf(Box<dyn Query>),
    /// Matches what every child matches; scores the sum of the scoring children.
    All(Vec<(Node, bool)>),
    /// Matches what any child matches; scores the sum of the children that match.
    Any(Vec<Node>),
    Nothing,
}

/// The terms of `field` that begin with `prefix` and are in a live document: at most
/// [`MAX_EXPANSIONS`], the most frequent first, then in byte order.
fn expand(view: &View<'_>, field: Field, prefix: &str) -> tantivy::Result<Vec<Term>> {
    let mut candidates: BTreeSet<Vec<u8>> = BTreeSet::new();
    let start = Term::from_field_text(field, prefix);
    let start = start.serialized_value_bytes().to_vec();
    let end = prefix_end(&start);
    for (reader, _) in &view.segments {
        let inverted = reader.inverted_index(field)?;
        let mut range = inverted.terms().range().ge(&start);
        if let Some(end) = &end {
            range = range.lt(end);
        }
        let mut stream = range.into_stream()?;
        while stream.advance() {
            candidates.insert(stream.key().to_vec());
        }
    }
    let mut counted: Vec<(u64, Term)> = Vec::new();
    for bytes in candidates {
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let term = Term::from_field_text(field, text);
        let df = live_doc_freq(view, &term)?;
        if df > 0 {
            counted.push((df, term));
        }
    }
    // Stable: equal frequencies stay in byte order.
    counted.sort_by_key(|c| std::cmp::Reverse(c.0));
    counted.truncate(MAX_EXPANSIONS);
    Ok(counted.into_iter().map(|(_, t)| t).collect())
}

/// The smallest byte string greater than every string starting with `prefix`.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

fn term_leaf(field: Field, text: &str, boost: Score) -> Node {
    let q = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    boosted(Box::new(q), boost)
}

fn boosted(q: Box<dyn Query>, boost: Score) -> Node {
    if boost == 1.0 {
        Node::Leaf(q)
    } else {
        Node::Leaf(Box::new(tantivy::query::BoostQuery::new(q, boost)))
    }
}

fn phrase_leaf(field: Field, terms: &[(usize, String)], last: Option<&Term>, boost: Score) -> Node {
    let mut with_offsets: Vec<(usize, Term)> = terms
        .iter()
        .map(|(p, t)| (*p, Term::from_field_text(field, t)))
        .collect();
    if let Some(last) = last {
        let at = terms.last().map_or(0, |(p, _)| p + 1);
        with_offsets.push((at, last.clone()));
    }
    if with_offsets.len() == 1 {
        let (_, term) = with_offsets.remove(0);
        return boosted(
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
            boost,
        );
    }
    boosted(Box::new(PhraseQuery::new_with_offset(with_offsets)), boost)
}

/// What one part of the query matches in one field.
fn part_in_field(
    view: &View<'_>,
    part: &Part,
    field: Field,
    boost: Score,
) -> tantivy::Result<Node> {
    Ok(match part {
        Part::Term(t) => term_leaf(field, t, boost),
        Part::Phrase(terms) => phrase_leaf(field, terms, None, boost),
        Part::Prefix(p) => {
            let expanded = expand(view, field, p)?;
            if expanded.is_empty() {
                return Ok(Node::Nothing);
            }
            Node::Any(
                expanded
                    .into_iter()
                    .map(|t| {
                        boosted(
                            Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)),
                            boost,
                        )
                    })
                    .collect(),
            )
        }
        Part::PhrasePrefix(terms, (_, p)) => {
            let expanded = expand(view, field, p)?;
            if expanded.is_empty() {
                return Ok(Node::Nothing);
            }
            // The prefix comes right after the phrase's last term.
            Node::Any(
                expanded
                    .iter()
                    .map(|t| phrase_leaf(field, terms, Some(t), boost))
                    .collect(),
            )
        }
    })
}

/// The text fields a request searches: every one, or only the events of one kind.
fn searched_fields(fields: &Fields, filters: &Filters) -> Vec<(Field, Score)> {
    match &filters.event_kind {
        Some(kind) => vec![(fields.event_field(kind), 1.0)],
        None => {
            let mut out = vec![(fields.title, TITLE_BOOST), (fields.body, 1.0)];
            out.extend(fields.events.iter().map(|f| (*f, 1.0)));
            out.push((fields.resolution, 1.0));
            out
        }
    }
}

fn exact(field: Field, value: &str) -> Node {
    Node::Leaf(Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    )))
}

fn tree(view: &View<'_>, fields: &Fields, request: &Request) -> tantivy::Result<Node> {
    let searched = searched_fields(fields, &request.filters);
    let mut all: Vec<(Node, bool)> = Vec::new();
    for part in request.query.parts() {
        let mut any = Vec::new();
        for (field, boost) in &searched {
            any.push(part_in_field(view, part, *field, *boost)?);
        }
        all.push((Node::Any(any), true));
    }
    let f = &request.filters;
    if !f.statuses.is_empty() {
        let any = f.statuses.iter().map(|s| exact(fields.status, s)).collect();
        all.push((Node::Any(any), false));
    }
    for (field, value) in [
        (fields.labels, &f.label),
        (fields.kind, &f.kind),
        (fields.assignee, &f.assignee),
    ] {
        if let Some(v) = value {
            all.push((exact(field, v), false));
        }
    }
    if let Some(kind) = &f.event_kind
        && Fields::shares_event_field(kind)
    {
        all.push((exact(fields.event_kinds, kind), false));
    }
    Ok(Node::All(all))
}

fn weight(
    node: &Node,
    scoring: EnableScoring<'_>,
    plain: EnableScoring<'_>,
) -> tantivy::Result<Box<dyn Weight>> {
    Ok(match node {
        Node::Leaf(q) => q.weight(scoring)?,
        Node::Nothing => Box::new(NothingWeight),
        Node::Any(children) => Box::new(SumWeight {
            children: children
                .iter()
                .map(|c| Ok((weight(c, scoring, plain)?, true)))
                .collect::<tantivy::Result<_>>()?,
            all: false,
        }),
        Node::All(children) => Box::new(SumWeight {
            children: children
                .iter()
                .map(|(c, scores)| {
                    let mode = if *scores { scoring } else { plain };
                    Ok((weight(c, mode, plain)?, *scores))
                })
                .collect::<tantivy::Result<_>>()?,
            all: true,
        }),
    })
}

/// Ranks the live documents of `view` for `request`: best first, ties by id then key, at
/// most `request.limit`.
pub(crate) fn rank(
    view: &View<'_>,
    fields: &Fields,
    request: &Request,
) -> tantivy::Result<Vec<Ranked>> {
    let stats = ExactStats::new(view, &fields.text())?;
    if stats.num_docs == 0 || request.limit == 0 {
        return Ok(Vec::new());
    }
    let node = tree(view, fields, request)?;
    let scoring = EnableScoring::enabled_from_statistics_provider(&stats, view.searcher);
    let plain = EnableScoring::disabled_from_searcher(view.searcher);
    let weight = weight(&node, scoring, plain)?;
    let mut scored: Vec<(Score, u32, DocId)> = Vec::new();
    for (ord, (reader, out)) in view.segments.iter().enumerate() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if View::live(reader, *out, doc) {
                scored.push((scorer.score(), ord as u32, doc));
            }
            doc = scorer.advance();
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let Some(cutoff) = scored.get(request.limit - 1).or(scored.last()).map(|s| s.0) else {
        return Ok(Vec::new());
    };
    // Everything tied with the last hit competes on id.
    let candidates = scored.partition_point(|s| s.0.total_cmp(&cutoff) != Ordering::Less);
    let mut ranked = Vec::with_capacity(candidates);
    let mut columns = HashMap::new();
    for &(score, ord, doc) in &scored[..candidates] {
        let reader = view.segments[ord as usize].0;
        let cols = match columns.entry(ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert((str_column(reader, "id")?, str_column(reader, "key")?))
            }
        };
        ranked.push(Ranked {
            score,
            id: column_str(&cols.0, doc)?,
            key: column_str(&cols.1, doc)?,
        });
    }
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.key.cmp(&b.key))
    });
    ranked.truncate(request.limit);
    Ok(ranked)
}

pub(crate) fn str_column(
    reader: &SegmentReader,
    name: &str,
) -> tantivy::Result<tantivy::columnar::StrColumn> {
    reader.fast_fields().str(name)?.ok_or_else(|| {
        tantivy::TantivyError::SchemaError(format!("the index has no `{name}` column"))
    })
}

pub(crate) fn column_str(
    column: &tantivy::columnar::StrColumn,
    doc: DocId,
) -> tantivy::Result<String> {
    let mut out = String::new();
    if let Some(ord) = column.term_ords(doc).next() {
        column.ord_to_str(ord, &mut out)?;
    }
    Ok(out)
}

struct NothingWeight;

impl Weight for NothingWeight {
    fn scorer(&self, _: &SegmentReader, _: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(EmptyScorer))
    }

    fn explain(&self, _: &SegmentReader, _: DocId) -> tantivy::Result<Explanation> {
        Ok(Explanation::new("matches nothing", 0.0))
    }
}

struct SumWeight {
    /// Each child's weight, and whether its score counts.
    children: Vec<(Box<dyn Weight>, bool)>,
    all: bool,
}

impl Weight for SumWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut children = Vec::with_capacity(self.children.len());
        let mut scoring = Vec::with_capacity(self.children.len());
        for (w, s) in &self.children {
            children.push(w.scorer(reader, boost)?);
            scoring.push(*s);
        }
        Ok(Box::new(SumScorer::new(children, scoring, self.all)))
    }

    fn explain(&self, _: &SegmentReader, _: DocId) -> tantivy::Result<Explanation> {
        Ok(Explanation::new("sum of the parts, in query order", 0.0))
    }
}

/// A conjunction (`all`) or disjunction of scorers whose score is the sum, in the children's
/// order and in `f64`, of the scoring children positioned on the current document.
struct SumScorer {
    children: Vec<Box<dyn Scorer>>,
    scoring: Vec<bool>,
    all: bool,
    doc: DocId,
}

impl SumScorer {
    fn new(children: Vec<Box<dyn Scorer>>, scoring: Vec<bool>, all: bool) -> SumScorer {
        let mut s = SumScorer {
            children,
            scoring,
            all,
            doc: TERMINATED,
        };
        s.doc = if s.children.is_empty() {
            TERMINATED
        } else if all {
            let start = s
                .children
                .iter()
                .map(|c| c.doc())
                .max()
                .unwrap_or(TERMINATED);
            s.align(start)
        } else {
            s.min_doc()
        };
        s
    }

    fn min_doc(&self) -> DocId {
        self.children
            .iter()
            .map(|c| c.doc())
            .min()
            .unwrap_or(TERMINATED)
    }

    /// The first document at or after `target` that every child holds.
    fn align(&mut self, mut target: DocId) -> DocId {
        'outer: loop {
            if target == TERMINATED {
                return TERMINATED;
            }
            for c in &mut self.children {
                let mut d = c.doc();
                if d < target {
                    d = c.seek(target);
                }
                if d > target {
                    target = d;
                    continue 'outer;
                }
            }
            return target;
        }
    }
}

impl DocSet for SumScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        if self.all {
            let next = self.children[0].advance();
            self.doc = self.align(next);
        } else {
            let current = self.doc;
            for c in &mut self.children {
                if c.doc() == current {
                    c.advance();
                }
            }
            self.doc = self.min_doc();
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if self.all {
            self.doc = self.align(target);
        } else {
            for c in &mut self.children {
                if c.doc() < target {
                    c.seek(target);
                }
            }
            self.doc = self.min_doc();
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        let hints = self.children.iter().map(|c| c.size_hint());
        if self.all {
            hints.min().unwrap_or(0)
        } else {
            hints.fold(0u32, u32::saturating_add)
        }
    }
}

impl Scorer for SumScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut sum = 0f64;
        for (c, scores) in self.children.iter_mut().zip(&self.scoring) {
            if *scores && c.doc() == doc {
                sum += f64::from(c.score());
            }
        }
        sum as Score
    }
}

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn prefix_ends() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[b'a', 0xFF]), Some(b"b".to_vec()));
        assert_eq!(prefix_end(&[0xFF]), None);
    }
}
