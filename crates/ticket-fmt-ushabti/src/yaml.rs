//! The YAML of Ushabti's ticket files, read keeping every byte: a file is a list of chunks,
//! each a top-level entry (`key: value` and its indented lines) or trivia (comments, blank
//! lines), with its exact text. Values are plain, single- or double-quoted scalars, or literal
//! (`|`) and folded (`>`) block scalars with their chomping and indentation indicators; other
//! values (nested maps and lists) are kept as text, unread.
//!
//! [`scalar`] and [`block`] write a value the way Ushabti's agents write it: plain where YAML
//! allows, double-quoted otherwise, and literal blocks indented two spaces with clip chomping.

use ticket_format::scalar::{decode_scalar, double_quoted};

/// One piece of a file, with its exact text (lines with their newlines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chunk {
    Entry {
        key: String,
        /// The decoded value; `None` for a nested value (kept as text only).
        value: Option<String>,
        text: String,
        /// 1-based line of the key.
        line: usize,
    },
    Trivia(String),
}

/// A line that is not what these files hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub message: String,
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, YamlError> {
    Err(YamlError {
        line,
        message: message.into(),
    })
}

fn indented(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

fn blank(line: &str) -> bool {
    line.trim_matches([' ', '\t', '\r', '\n']).is_empty()
}

/// Splits a file into chunks; their texts concatenated are the file.
pub fn parse(text: &str) -> Result<Vec<Chunk>, YamlError> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut chunks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let number = i + 1;
        if blank(line) || line.starts_with('#') || line.starts_with("---") {
            chunks.push(Chunk::Trivia(line.to_owned()));
            i += 1;
            continue;
        }
        if indented(line) {
            return err(number, "an indented line outside any key");
        }
        let Some((key, rest)) = line.split_once(':') else {
            return err(number, "a line that is not `key: value`");
        };
        if key.is_empty() || key.contains([' ', '\t', '"', '\'']) {
            return err(number, "a key that is not one word");
        }
        let rest = rest.trim_end_matches(['\n', '\r']);
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return err(number, "a key without `: ` after it");
        }
        let head = rest.trim_start_matches([' ', '\t']);
        let block = head.starts_with(['|', '>']);
        // The entry's own lines: indented ones, `- item` lines under an empty value, and blank
        // lines inside (or, for a block scalar, right after) them.
        let mut end = i + 1;
        let mut last_content = i + 1;
        while end < lines.len() {
            let l = lines[end];
            if indented(l) && !blank(l) || (head.is_empty() && l.starts_with("- ")) {
                end += 1;
                last_content = end;
            } else if blank(l) {
                end += 1;
            } else {
                break;
            }
        }
        if !block {
            end = last_content;
        }
        let body = &lines[i + 1..end];
        let value = if head.is_empty() && !body.is_empty() {
            None
        } else {
            Some(decode(head, body, number)?)
        };
        chunks.push(Chunk::Entry {
            key: key.to_owned(),
            value,
            text: lines[i..end].concat(),
            line: number,
        });
        i = end;
    }
    Ok(chunks)
}

fn decode(head: &str, body: &[&str], line: usize) -> Result<String, YamlError> {
    if let Some(indicators) = head.strip_prefix('|') {
        return block_value(indicators, body, false, line);
    }
    if let Some(indicators) = head.strip_prefix('>') {
        return block_value(indicators, body, true, line);
    }
    if head.starts_with(['"', '\'']) {
        if !body.is_empty() {
            return err(line, "a quoted value over several lines");
        }
        let v = head.trim_end_matches([' ', '\t']);
        return decode_scalar(v).or_else(|m| err(line, m));
    }
    // A plain scalar: a trailing comment goes; continuation lines fold into one line.
    let first = match head.find(" #") {
        Some(at) => &head[..at],
        None => head,
    };
    let mut out = first.trim_end_matches([' ', '\t']).to_owned();
    let mut breaks = 0;
    for l in body {
        let l = l.trim_matches([' ', '\t', '\r', '\n']);
        if l.is_empty() {
            breaks += 1;
            continue;
        }
        if breaks > 0 {
            out.push_str(&"\n".repeat(breaks));
        } else {
            out.push(' ');
        }
        breaks = 0;
        out.push_str(l);
    }
    if matches!(out.as_str(), "~" | "null" | "Null" | "NULL") && head == out {
        return Ok(String::new());
    }
    Ok(out)
}

fn block_value(
    indicators: &str,
    body: &[&str],
    folded: bool,
    line: usize,
) -> Result<String, YamlError> {
    let indicators = match indicators.find('#') {
        Some(at) => &indicators[..at],
        None => indicators,
    }
    .trim_end_matches([' ', '\t']);
    let mut chomp = ' ';
    let mut explicit = None;
    for c in indicators.chars() {
        match c {
            '+' | '-' if chomp == ' ' => chomp = c,
            '1'..='9' if explicit.is_none() => explicit = c.to_digit(10).map(|d| d as usize),
            _ => {
                return err(
                    line,
                    format!("a block header `{indicators}` these files never use"),
                );
            }
        }
    }
    let lines: Vec<&str> = body
        .iter()
        .map(|l| l.trim_end_matches('\n').trim_end_matches('\r'))
        .collect();
    let indent = explicit.unwrap_or_else(|| {
        lines
            .iter()
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.len() - l.trim_start_matches(' ').len())
    });
    let mut content: Vec<String> = Vec::new();
    for (n, l) in lines.iter().enumerate() {
        if l.trim_matches(' ').is_empty() && l.len() <= indent {
            content.push(String::new());
        } else if l.len() >= indent && l[..indent].bytes().all(|b| b == b' ') {
            content.push(l[indent..].to_owned());
        } else {
            return err(line + 1 + n, "a line less indented than its block");
        }
    }
    let mut text = if folded {
        fold(&content)
    } else {
        content.iter().map(|l| format!("{l}\n")).collect::<String>()
    };
    match chomp {
        '+' => {}
        '-' => text.truncate(text.trim_end_matches('\n').len()),
        _ => {
            text.truncate(text.trim_end_matches('\n').len());
            if !text.is_empty() {
                text.push('\n');
            }
        }
    }
    Ok(text)
}

/// Folded block lines: lines next to each other join with a space, empty lines are breaks,
/// more-indented lines keep their breaks.
fn fold(lines: &[String]) -> String {
    let mut out = String::new();
    let mut prev_normal = false;
    for l in lines {
        if l.is_empty() {
            // The break after a normal line becomes the first empty line's.
            if !prev_normal {
                out.push('\n');
            }
            prev_normal = false;
            continue;
        }
        let normal = !l.starts_with([' ', '\t']);
        if prev_normal && normal && out.ends_with('\n') {
            out.pop();
            out.push(' ');
        }
        out.push_str(l);
        out.push('\n');
        prev_normal = normal;
    }
    out
}

/// Whether `value` can be written plain and read back as the same string.
fn plain_ok(value: &str) -> bool {
    let specials = [
        "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n",
    ];
    !value.is_empty()
        && value.trim() == value
        && !value.chars().any(char::is_control)
        && !value.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`',
        ])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !specials.contains(&value.to_ascii_lowercase().as_str())
}

/// `key: value` as these files write a scalar: plain where YAML allows, double-quoted otherwise.
pub fn scalar(key: &str, value: &str) -> String {
    if plain_ok(value) {
        format!("{key}: {value}\n")
    } else {
        format!("{key}: {}\n", double_quoted(value))
    }
}

/// `key: |` and the value's lines indented two spaces (clip chomping: the value ends with one
/// newline); `|-` or `|+` when it ends with none or several, `|2` when it starts with a space.
pub fn block(key: &str, value: &str) -> String {
    if value.is_empty() || value.chars().any(|c| c.is_control() && c != '\n') {
        return scalar(key, value);
    }
    let body = value.trim_end_matches('\n');
    let trailing = value.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 if !body.is_empty() => "",
        _ => "+",
    };
    let indicator = if body.starts_with([' ', '\n']) {
        "2"
    } else {
        ""
    };
    let mut out = format!("{key}: |{indicator}{chomp}\n");
    for l in value.split_inclusive('\n') {
        if l == "\n" {
            out.push('\n');
        } else {
            out.push_str("  ");
            out.push_str(l);
        }
    }
    if trailing == 0 {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(text: &str) -> Option<String> {
        match parse(text).expect("parses").remove(0) {
            Chunk::Entry { value, .. } => value,
            Chunk::Trivia(_) => None,
        }
    }

    #[test]
    fn values_read_as_yaml_reads_them() {
        for (text, want) in [
            ("a: plain text\n", "plain text"),
            ("a: 'it''s: ok'\n", "it's: ok"),
            ("a: \"tab\\there\"\n", "tab\there"),
            ("a: |\n  one\n\n  two\n\n\nb: x\n", "one\n\ntwo\n"),
            ("a: |-\n  one\n", "one"),
            ("a: |+\n  one\n\n", "one\n\n"),
            ("a: |2\n   lead\n", " lead\n"),
            ("a: >\n  folded\n  line\n\n  next\n", "folded line\nnext\n"),
            ("a: plain # comment\n", "plain"),
            ("a: first\n  second\n", "first second"),
        ] {
            assert_eq!(value_of(text).as_deref(), Some(want), "{text:?}");
        }
        assert_eq!(value_of("tags:\n  - a\n  - b\n"), None);
        for bad in [
            "  x: 1\n",
            "no colon\n",
            "a:b\n",
            "a: |\n  x\n y\n",
            "a: \"open\n",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn chunks_are_the_file() {
        let text = "# c\nid: T0001\n\ncontext: |\n  x\n\n  y\nend: 1";
        let chunks = parse(text).expect("parses");
        let joined: String = chunks
            .iter()
            .map(|c| match c {
                Chunk::Entry { text, .. } | Chunk::Trivia(text) => text.as_str(),
            })
            .collect();
        assert_eq!(joined, text);
    }

    proptest::proptest! {
        #[test]
        fn what_we_write_reads_back(v in "\\PC*|[ \n'\":#|>-]{0,12}") {
            let text = format!("{}{}", scalar("s", &v), block("b", &v));
            let chunks = parse(&text).expect("parses");
            let values: Vec<Option<String>> = chunks.into_iter().filter_map(|c| match c {
                Chunk::Entry { value, .. } => Some(value),
                Chunk::Trivia(_) => None,
            }).collect();
            proptest::prop_assert_eq!(values, vec![Some(v.clone()), Some(v)]);
        }
    }
}
