//! JSON read and written exactly: objects keep their key order (and repeated keys), numbers keep
//! their text, and [`write`] spells a value the way Python's `json.dumps` does for a given indent
//! and `ensure_ascii`, so a file another tool wrote with it comes back byte for byte.
//!
//! Other trackers' files are JSON (Orchestr8) or hold JSON (aticket-cli's lists), and namespaced
//! frontmatter keys keep structured values as one line of compact JSON ([`compact`]).

/// A JSON value. Objects are ordered lists of entries; numbers keep their source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The first value of `key` in an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The strings of an array of strings; `None` for anything else.
    pub fn as_strings(&self) -> Option<Vec<String>> {
        match self {
            Json::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => None,
        }
    }

    pub fn strings(items: &[String]) -> Json {
        Json::Array(items.iter().cloned().map(Json::String).collect())
    }
}

/// Where and why a text is not JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

/// How deep arrays and objects may nest: hostile files get an error, not a stack overflow.
const MAX_DEPTH: usize = 200;

/// Parses one JSON value with nothing but whitespace around it.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut p = Parser {
        b: text.as_bytes(),
        text,
        i: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return Err(p.err("text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> JsonError {
        let upto = self.i.min(self.b.len());
        JsonError {
            line: 1 + self.b[..upto].iter().filter(|&&c| c == b'\n').count(),
            message: message.to_owned(),
        }
    }

    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("JSON nested too deeply"));
        }
        match self.b.get(self.i) {
            None => Err(self.err("the JSON ends where a value should be")),
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.eat(b'}') {
                    return Ok(Json::Object(entries));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return Err(self.err("an object key must be a string"));
                    }
                    let key = self.string()?;
                    self.ws();
                    if !self.eat(b':') {
                        return Err(self.err("`:` expected after an object key"));
                    }
                    self.ws();
                    let v = self.value(depth + 1)?;
                    entries.push((key, v));
                    self.ws();
                    if self.eat(b',') {
                        continue;
                    }
                    if self.eat(b'}') {
                        return Ok(Json::Object(entries));
                    }
                    return Err(self.err("`,` or `}` expected in an object"));
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(b']') {
                    return Ok(Json::Array(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat(b',') {
                        continue;
                    }
                    if self.eat(b']') {
                        return Ok(Json::Array(items));
                    }
                    return Err(self.err("`,` or `]` expected in an array"));
                }
            }
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("not a JSON value")),
        }
    }

    fn word(&mut self, w: &str, v: Json) -> Result<Json, JsonError> {
        if self.b[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.err("not a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.i;
        self.eat(b'-');
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.i < p.b.len() && p.b[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i > s
        };
        if self.eat(b'0') {
        } else if !digits(self) {
            return Err(self.err("a number needs digits"));
        }
        if self.eat(b'.') && !digits(self) {
            return Err(self.err("a number needs digits after `.`"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if !digits(self) {
                return Err(self.err("a number needs digits in its exponent"));
            }
        }
        Ok(Json::Number(self.text[start..self.i].to_owned()))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let hex = self
            .text
            .get(self.i..self.i + 4)
            .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| self.err("`\\u` needs four hex digits"))?;
        self.i += 4;
        u32::from_str_radix(hex, 16).map_err(|_| self.err("`\\u` needs four hex digits"))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.i < self.b.len() && !matches!(self.b[self.i], b'"' | b'\\' | 0..=0x1f) {
                self.i += 1;
            }
            out.push_str(&self.text[start..self.i]);
            match self.b.get(self.i) {
                None => return Err(self.err("a string is never closed")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let esc = *self
                        .b
                        .get(self.i)
                        .ok_or_else(|| self.err("a string ends with a lone `\\`"))?;
                    self.i += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !(self.eat(b'\\') && self.eat(b'u')) {
                                    return Err(self.err("a lone surrogate `\\u` escape"));
                                }
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("a lone surrogate `\\u` escape"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            out.push(
                                char::from_u32(code)
                                    .ok_or_else(|| self.err("a lone surrogate `\\u` escape"))?,
                            );
                        }
                        _ => return Err(self.err("unknown escape in a string")),
                    }
                }
                Some(_) => return Err(self.err("a control character inside a string")),
            }
        }
    }
}

/// How [`write`] lays a value out: Python's `json.dumps(value, indent=..., ensure_ascii=...)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// `None`: one line, `", "` and `": "` between items; `Some(n)`: one item per line.
    pub indent: Option<usize>,
    /// Every character outside printable ASCII as `\uXXXX` (astral ones as surrogate pairs).
    pub ascii: bool,
}

/// What Orchestr8 writes: `json.dump(data, f, indent=2)`.
pub const PYTHON_INDENT_2: Style = Style {
    indent: Some(2),
    ascii: true,
};

/// `value` laid out as Python's `json.dumps` lays it out in `style`.
pub fn write(value: &Json, style: Style) -> String {
    let mut out = String::new();
    emit(value, style, 0, &mut out);
    out
}

/// One line of ASCII JSON, as Python's `json.dumps(value)`: what namespaced keys hold.
pub fn compact(value: &Json) -> String {
    write(
        value,
        Style {
            indent: None,
            ascii: true,
        },
    )
}

fn newline(style: Style, level: usize, out: &mut String) {
    if let Some(n) = style.indent {
        out.push('\n');
        out.push_str(&" ".repeat(n * level));
    }
}

fn emit(value: &Json, style: Style, level: usize, out: &mut String) {
    let sep = if style.indent.is_some() { "," } else { ", " };
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::String(s) => string(s, style.ascii, out),
        Json::Array(items) if items.is_empty() => out.push_str("[]"),
        Json::Object(entries) if entries.is_empty() => out.push_str("{}"),
        Json::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(sep);
                }
                newline(style, level + 1, out);
                emit(item, style, level + 1, out);
            }
            newline(style, level, out);
            out.push(']');
        }
        Json::Object(entries) => {
            out.push('{');
            for (n, (key, item)) in entries.iter().enumerate() {
                if n > 0 {
                    out.push_str(sep);
                }
                newline(style, level + 1, out);
                string(key, style.ascii, out);
                out.push_str(": ");
                emit(item, style, level + 1, out);
            }
            newline(style, level, out);
            out.push('}');
        }
    }
}

/// A string as Python escapes it: `ensure_ascii` escapes everything outside ` `..`~`, else only
/// quotes, backslashes and control characters below U+0020.
fn string(s: &str, ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ascii && !(' '..='~').contains(&c) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_layout_byte_for_byte() {
        let text = "{\n  \"id\": \"a1\",\n  \"errors\": [\n    \"x\\u00e9\\ud83d\\ude00\"\n  ],\n  \"context\": {},\n  \"n\": -1.5e3,\n  \"notes\": []\n}";
        let v = parse(text).expect("parses");
        assert_eq!(write(&v, PYTHON_INDENT_2), text);
        assert_eq!(
            compact(&v),
            "{\"id\": \"a1\", \"errors\": [\"x\\u00e9\\ud83d\\ude00\"], \"context\": {}, \"n\": -1.5e3, \"notes\": []}"
        );
        let utf8 = Style {
            indent: Some(2),
            ascii: false,
        };
        assert!(write(&v, utf8).contains("xé😀"));
    }

    #[test]
    fn bad_json_is_an_error_with_a_line() {
        for bad in [
            "",
            "{",
            "{\"a\" 1}",
            "[1,]",
            "\"\\ud800\"",
            "01",
            "{\"a\":1}x",
            "\"\u{1}\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse("{\n\n  x}").map_err(|e| e.line), Err(3));
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
    }

    proptest::proptest! {
        #[test]
        fn strings_round_trip(s in "\\PC*|[\\x00-\\x1f\"\\\\\u{7f}\u{e9}\u{1f600}]{0,10}", ascii: bool) {
            let v = Json::Array(vec![Json::String(s.clone()), Json::Object(vec![(s, Json::Null)])]);
            for indent in [None, Some(2)] {
                proptest::prop_assert_eq!(parse(&write(&v, Style { indent, ascii })), Ok(v.clone()));
            }
        }
    }
}
