//! How text becomes terms, for the index, the queries and the snippets alike (docs/search.md,
//! "Analysis").
//!
//! - **Words** are maximal runs of letters and digits outside the CJK scripts (`_`, `-`, `:`,
//!   `/`, spaces and every other symbol separate them). They are lowercased and folded to ASCII
//!   where a Latin letter has a plain form (`Éte` gives `ete`, `Straße` gives `strasse`,
//!   full-width `ＡＢＣ` gives `abc`); combining accents are dropped.
//! - **CJK runs** (Han, Hiragana, Katakana with `ー`, Hangul, and the iteration marks `々` `〆`)
//!   have no spaces between words, so a run becomes its overlapping pairs of characters
//!   (`永続化` gives `永続` `続化`), and a word of the run is found as the phrase of its pairs.
//!   The last character of a run is also a term of its own, at the position of the last pair,
//!   and a run of one character is that character: a query of one character is a prefix of
//!   the pairs (`化*`), so it is found anywhere in a run.
//! - Terms longer than [`MAX_TERM_BYTES`] are dropped (base64 blobs, long URLs).

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};

/// The name the analyzer is registered under in an index.
pub const ANALYZER: &str = "ticket";

/// Terms longer than this many bytes are not indexed.
pub const MAX_TERM_BYTES: usize = 100;

/// The analyzer of every text field: [`TicketTokenizer`] (words lowercased and folded to
/// ASCII), terms longer than [`MAX_TERM_BYTES`] dropped.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(TicketTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TERM_BYTES))
        .build()
}

/// Lowercases and folds one word that is not all ASCII, with tantivy's filters.
fn folder() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// A term of a text, where it is and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub position: usize,
    /// Byte offsets in the text.
    pub from: usize,
    pub to: usize,
    /// Whether the term is a CJK character or pair.
    pub cjk: bool,
}

/// Every term of `text`, in order, as the index sees them.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Term> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(Term {
            text: t.text.clone(),
            position: t.position,
            from: t.offset_from,
            to: t.offset_to,
            cjk: t.text.chars().next().is_some_and(is_cjk),
        });
    }
    out
}

/// Whether `c` belongs to a script written without spaces between words, as this analyzer
/// treats them: Han, Hiragana, Katakana (with the prolonged sound mark), Hangul.
pub fn is_cjk(c: char) -> bool {
    let c = c as u32;
    c >= 0x1100
        && matches!(c,
            0x3005..=0x3006          // 々 〆
            | 0x3040..=0x309F        // Hiragana
            | 0x30A0..=0x30FA        // Katakana (not the middle dot U+30FB)
            | 0x30FC..=0x30FF        // ー and iteration marks
            | 0x3400..=0x4DBF        // CJK Extension A
            | 0x4E00..=0x9FFF        // CJK Unified Ideographs
            | 0xF900..=0xFAFF        // CJK Compatibility Ideographs
            | 0x31F0..=0x31FF        // Katakana Phonetic Extensions
            | 0xFF66..=0xFF9F        // half-width Katakana
            | 0x1100..=0x11FF        // Hangul Jamo
            | 0x3130..=0x318F        // Hangul Compatibility Jamo
            | 0xAC00..=0xD7AF        // Hangul Syllables
            | 0x20000..=0x3FFFF      // CJK Extensions B and later
        )
}

/// A combining accent, dropped from words (`e` + U+0301 reads as `e`).
fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() && !is_cjk(c)
    }
}

/// Splits text into words (lowercased, folded to ASCII) and CJK pairs (see the module's
/// documentation). ASCII words are lowercased in place and CJK terms have no case, so only the
/// rare other words go through tantivy's `LowerCaser` and `AsciiFoldingFilter`: running those
/// filters over every term was most of the analysis time on Japanese text.
#[derive(Clone)]
pub struct TicketTokenizer {
    folder: TextAnalyzer,
}

impl Default for TicketTokenizer {
    fn default() -> Self {
        TicketTokenizer { folder: folder() }
    }
}

impl Tokenizer for TicketTokenizer {
    type TokenStream<'a> = TicketTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TicketTokenStream<'a> {
        TicketTokenStream {
            text,
            at: 0,
            next_position: 0,
            run: None,
            token: Token::default(),
            folder: &mut self.folder,
        }
    }
}

/// The CJK run being read: its last character and how many it has had.
#[derive(Clone, Copy, Debug)]
struct Run {
    last: char,
    last_from: usize,
    len: usize,
}

pub struct TicketTokenStream<'a> {
    text: &'a str,
    at: usize,
    next_position: usize,
    run: Option<Run>,
    token: Token,
    folder: &'a mut TextAnalyzer,
}

impl TicketTokenStream<'_> {
    fn emit(&mut self, from: usize, to: usize, position: usize) {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = position;
        self.token.position_length = 1;
    }

    fn emit_char(&mut self, c: char, from: usize, position: usize) {
        self.token.text.clear();
        self.token.text.push(c);
        self.emit(from, from + c.len_utf8(), position);
    }

    /// Ends the current CJK run: a run of one character is that character, at a position of its
    /// own; a longer run's last character shares the last pair's position. Returns whether a
    /// token was emitted.
    fn end_run(&mut self) -> bool {
        let Some(run) = self.run.take() else {
            return false;
        };
        if run.len == 1 {
            let position = self.next_position;
            self.next_position += 1;
            self.emit_char(run.last, run.last_from, position);
        } else {
            self.emit_char(run.last, run.last_from, self.next_position - 1);
        }
        true
    }
}

impl TokenStream for TicketTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let Some(c) = self.text[self.at..].chars().next() else {
                return self.end_run();
            };
            let from = self.at;
            if is_cjk(c) {
                self.at += c.len_utf8();
                match self.run {
                    Some(run) => {
                        self.token.text.clear();
                        self.token.text.push(run.last);
                        self.token.text.push(c);
                        let position = self.next_position;
                        self.next_position += 1;
                        self.emit(run.last_from, self.at, position);
                        self.run = Some(Run {
                            last: c,
                            last_from: from,
                            len: run.len + 1,
                        });
                        return true;
                    }
                    None => {
                        self.run = Some(Run {
                            last: c,
                            last_from: from,
                            len: 1,
                        });
                        continue;
                    }
                }
            }
            if self.end_run() {
                // The character at `at` is read again on the next call.
                return true;
            }
            if !is_word(c) {
                self.at += c.len_utf8();
                continue;
            }
            self.token.text.clear();
            let rest = &self.text[self.at..];
            // Most words are ASCII: copy the run of ASCII letters and digits at once.
            let ascii = rest
                .bytes()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            self.token.text.push_str(&rest[..ascii]);
            let mut end = self.at + ascii;
            if rest.as_bytes().get(ascii).is_some_and(|b| !b.is_ascii()) {
                for (i, c) in rest[ascii..].char_indices() {
                    if is_word(c) {
                        self.token.text.push(c);
                    } else if !is_combining(c) {
                        break;
                    }
                    end = self.at + ascii + i + c.len_utf8();
                }
            }
            if self.token.text.is_ascii() {
                self.token.text.make_ascii_lowercase();
            } else {
                let mut folded = self.folder.token_stream(&self.token.text);
                if let Some(t) = folded.next() {
                    let t = t.text.clone();
                    drop(folded);
                    self.token.text = t;
                }
            }
            self.at = end;
            let position = self.next_position;
            self.next_position += 1;
            self.emit(from, end, position);
            return true;
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &[(&str, usize)]) {
        let got: Vec<(String, usize)> = terms(&mut analyzer(), text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect();
        let expect: Vec<(String, usize)> =
            expect.iter().map(|(t, p)| (t.to_string(), *p)).collect();
        assert_eq!(got, expect, "{text:?}");
    }

    #[test]
    fn latin_words_fold_case_and_accents() {
        check("Fix the Parser", &[("fix", 0), ("the", 1), ("parser", 2)]);
        check(
            "Éte naïve Straße",
            &[("ete", 0), ("naive", 1), ("strasse", 2)],
        );
        check("e\u{301}te", &[("ete", 0)]);
        check("ＡＢＣ１２", &[("abc12", 0)]);
        check(
            "action_required: pod/scope-v2",
            &[
                ("action", 0),
                ("required", 1),
                ("pod", 2),
                ("scope", 3),
                ("v2", 4),
            ],
        );
        check("", &[]);
        check("  --- !! ", &[]);
    }

    #[test]
    fn cjk_runs_become_pairs_and_a_last_character() {
        check("永続化", &[("永続", 0), ("続化", 1), ("化", 1)]);
        check("化", &[("化", 0)]);
        check(
            "Pod: scope 永続化する",
            &[
                ("pod", 0),
                ("scope", 1),
                ("永続", 2),
                ("続化", 3),
                ("化す", 4),
                ("する", 5),
                ("る", 5),
            ],
        );
        check(
            "APIを使う。次",
            &[("api", 0), ("を使", 1), ("使う", 2), ("う", 2), ("次", 3)],
        );
        check("第3回", &[("第", 0), ("3", 1), ("回", 2)]);
        check(
            "ワーク・フロー",
            &[
                ("ワー", 0),
                ("ーク", 1),
                ("ク", 1),
                ("フロ", 2),
                ("ロー", 3),
                ("ー", 3),
            ],
        );
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "a 永続化 b";
        for t in terms(&mut analyzer(), text) {
            let slice = &text[t.from..t.to];
            assert!(
                t.text == slice.to_lowercase() || slice.contains(&t.text),
                "{t:?} {slice:?}"
            );
        }
    }

    #[test]
    fn long_terms_are_dropped() {
        let long = "x".repeat(MAX_TERM_BYTES + 1);
        check(&format!("a {long} b"), &[("a", 0), ("b", 2)]);
    }
}
