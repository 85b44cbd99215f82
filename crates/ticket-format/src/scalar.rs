//! Frontmatter values: the YAML-like scalars and flow lists of docs/format.md.
//!
//! Values are written raw whenever reading them back raw gives the same text, so ordinary files
//! are exactly what `tickets.sh` writes; anything else is written double-quoted.

/// Reads a value as written after `key: ` (leading spaces already removed).
///
/// A value wholly enclosed in double or single quotes is unquoted; anything else is raw text.
pub fn decode_scalar(raw: &str) -> Result<String, String> {
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        return decode_double(&raw[1..raw.len() - 1]);
    }
    if raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'') {
        let inner = &raw[1..raw.len() - 1];
        if inner.replace("''", "").contains('\'') {
            return Err(format!(
                "single-quoted value {raw} has a lone `'`; write it as `''`"
            ));
        }
        return Ok(inner.replace("''", "'"));
    }
    if raw.starts_with(['"', '\'']) {
        return Err(format!("value {raw} opens a quote it never closes"));
    }
    Ok(raw.to_owned())
}

fn decode_double(inner: &str) -> Result<String, String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                return Err(
                    "a double-quoted value has an unescaped `\"` inside; write `\\\"`".into(),
                );
            }
            '\\' => {
                let esc = chars
                    .next()
                    .ok_or("a double-quoted value ends with a lone `\\`")?;
                let hex = |chars: &mut std::str::Chars<'_>, n: usize| -> Result<char, String> {
                    let digits: String = chars.by_ref().take(n).collect();
                    let hex_digits =
                        digits.len() == n && digits.chars().all(|c| c.is_ascii_hexdigit());
                    u32::from_str_radix(&digits, 16)
                        .ok()
                        .filter(|_| hex_digits)
                        .and_then(char::from_u32)
                        .ok_or_else(|| {
                            format!("bad escape `\\{esc}{digits}` in a double-quoted value")
                        })
                };
                out.push(match esc {
                    '\\' => '\\',
                    '"' => '"',
                    '/' => '/',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    '0' => '\0',
                    'x' => hex(&mut chars, 2)?,
                    'u' => hex(&mut chars, 4)?,
                    'U' => hex(&mut chars, 8)?,
                    other => {
                        return Err(format!(
                            "unknown escape `\\{other}` in a double-quoted value"
                        ));
                    }
                });
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Whether `value` must be quoted to read back as itself.
pub fn needs_quotes(value: &str, nullable: bool) -> bool {
    value.is_empty()
        || value.starts_with([' ', '\t', '"', '\''])
        || value.chars().any(char::is_control)
        || (nullable && matches!(value, "null" | "~"))
}

/// Writes a scalar: raw when that reads back the same, double-quoted otherwise.
pub fn encode_scalar(value: &str, nullable: bool) -> String {
    if needs_quotes(value, nullable) {
        double_quoted(value)
    } else {
        value.to_owned()
    }
}

/// `value` as a YAML double-quoted scalar, escaped so that [`decode_scalar`] gives it back.
pub fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads a flow list `[a, b, "c, d"]`. Commas inside quotes do not split.
pub fn decode_flow_list(raw: &str) -> Result<Vec<String>, String> {
    let raw = raw.strip_suffix('\r').unwrap_or(raw).trim_end();
    let inner = raw
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .ok_or_else(|| format!("list {raw} must be written `[a, b]`"))?;
    // Most lists are `[]`: nothing to split or allocate.
    if inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    // Items are slices of `inner` between the commas outside quotes.
    let mut items: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (None, ',') => {
                items.push(inner[start..i].trim());
                start = i + 1;
            }
            (None, '"' | '\'') => quote = Some(c),
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    if quote.is_some() {
        return Err(format!("list {raw} opens a quote it never closes"));
    }
    items.push(inner[start..].trim());
    items
        .into_iter()
        .map(|item| {
            if item.is_empty() {
                Err(format!("list {raw} has an empty item"))
            } else {
                decode_scalar(item)
            }
        })
        .collect()
}

/// Writes a flow list `[a, b]`, quoting items that need it.
pub fn encode_flow_list<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|i| {
            let i = i.as_ref();
            let odd = i.trim() != i || i.contains([',', '[', ']', '"', '\\', '\'']);
            if needs_quotes(i, false) || odd {
                double_quoted(i)
            } else {
                i.to_owned()
            }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_as_the_format_says() {
        let cases = [
            ("Pod: scope", Ok("Pod: scope")),
            ("\"Fix: the \\\"thing\\\"\"", Ok("Fix: the \"thing\"")),
            ("'it''s'", Ok("it's")),
            ("He said \"hi\"", Ok("He said \"hi\"")),
            ("value\r", Ok("value")),
            ("\"a\\nb\\x07\"", Ok("a\nb\u{7}")),
            ("\"open", Err(())),
            ("\"bad \\q\"", Err(())),
            ("\"\\x+1\"", Err(())),
        ];
        for (raw, want) in cases {
            let got = decode_scalar(raw).map_err(|_| ());
            assert_eq!(got, want.map(str::to_owned), "{raw:?}");
        }
    }

    #[test]
    fn encoding_quotes_only_when_needed() {
        assert_eq!(
            encode_scalar("Pod: scope 永続化", false),
            "Pod: scope 永続化"
        );
        assert_eq!(encode_scalar("\"quoted\"", false), "\"\\\"quoted\\\"\"");
        assert_eq!(encode_scalar("null", true), "\"null\"");
        assert_eq!(encode_scalar("null", false), "null");
        for v in ["", " lead", "tab\there", "'x'", "a\nb", "\u{7f}", "x\\y"] {
            assert_eq!(
                decode_scalar(&encode_scalar(v, true)).as_deref(),
                Ok(v),
                "{v:?}"
            );
        }
    }

    #[test]
    fn flow_lists() {
        assert_eq!(decode_flow_list("[]"), Ok(vec![]));
        assert_eq!(
            decode_flow_list("[a, b ,c]"),
            Ok(vec!["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(
            decode_flow_list("[\"a, b\", 'c']"),
            Ok(vec!["a, b".into(), "c".into()])
        );
        assert!(decode_flow_list("a, b").is_err());
        assert!(decode_flow_list("[a,,b]").is_err());
        assert_eq!(encode_flow_list(&["tui", "pod"]), "[tui, pod]");
        assert_eq!(encode_flow_list::<&str>(&[]), "[]");
        let odd = [
            "https://x/a,b",
            "[y]",
            " z",
            "a,b\"c",
            "\"x, y",
            "a\\b,c",
            "it's",
        ];
        assert_eq!(
            decode_flow_list(&encode_flow_list(&odd)),
            Ok(odd.map(String::from).to_vec())
        );
    }

    proptest::proptest! {
        #[test]
        fn any_scalar_and_list_round_trips(
            value in "\\PC*|[\"' \t\\\\,\\[\\]\n\r:a-z#-]{0,12}",
            items in proptest::collection::vec("[^\\x00]{1,10}", 0..4),
        ) {
            proptest::prop_assert_eq!(decode_scalar(&encode_scalar(&value, true)), Ok(value.clone()));
            proptest::prop_assert_eq!(decode_flow_list(&encode_flow_list(&items)), Ok(items.clone()));
        }

        /// The list reader agrees with the one it replaced (which built each item char by
        /// char) on hostile text: the same items, or a refusal.
        #[test]
        fn flow_lists_read_as_the_char_by_char_reader_did(
            inner in "[ ,'\"\\\\a\t\r\\[\\]é]{0,12}",
        ) {
            let raw = format!("[{inner}]");
            proptest::prop_assert_eq!(
                decode_flow_list(&raw).ok(),
                char_by_char_flow_list(&raw).ok()
            );
        }

        /// Brackets holding only blanks are the empty list, `\r` before the end allowed.
        #[test]
        fn flow_lists_of_blanks_are_empty(inner in "[ \t]{0,4}", cr in proptest::bool::ANY) {
            let raw = format!("[{inner}]{}", if cr { "\r" } else { "" });
            proptest::prop_assert_eq!(decode_flow_list(&raw), Ok(Vec::new()));
        }
    }

    /// The flow-list reader as it was before it sliced items out of the line, for the
    /// proptest above.
    fn char_by_char_flow_list(raw: &str) -> Result<Vec<String>, String> {
        let raw = raw.strip_suffix('\r').unwrap_or(raw).trim_end();
        let inner = raw
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .ok_or_else(|| "not a list".to_owned())?;
        let mut items = Vec::new();
        let mut current = String::new();
        let mut quote: Option<char> = None;
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (None, ',') => {
                    items.push(std::mem::take(&mut current));
                    continue;
                }
                (None, '"' | '\'') => quote = Some(c),
                (Some('"'), '\\') => {
                    current.push(c);
                    if let Some(escaped) = chars.next() {
                        current.push(escaped);
                    }
                    continue;
                }
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            current.push(c);
        }
        if quote.is_some() {
            return Err("unclosed".to_owned());
        }
        items.push(current);
        let items: Vec<&str> = items.iter().map(|s| s.trim()).collect();
        if items == [""] {
            return Ok(Vec::new());
        }
        items
            .into_iter()
            .map(|item| {
                if item.is_empty() {
                    Err("empty item".to_owned())
                } else {
                    decode_scalar(item)
                }
            })
            .collect()
    }
}
