//! Writing the wire contract's documents (`ticket_app::wire`) as `--json` prints them: arrays
//! streamed one item at a time, byte for byte what serde writes for the whole.

use serde::Serialize;

/// A JSON array written one item at a time, byte for byte what `serde_json::to_string_pretty`
/// writes for the whole array (two-space indents, `[]` when empty), so a long list streams.
#[derive(Default)]
pub struct ArrayWriter {
    items: usize,
    /// How deep the array is nested (0: the whole output).
    depth: usize,
}

impl ArrayWriter {
    /// An array that is the value of a field `depth` levels deep.
    pub fn nested(depth: usize) -> Self {
        Self { items: 0, depth }
    }

    /// The text that puts `value` in the array: the opening bracket or a comma, then the item
    /// indented one level.
    pub fn item<T: Serialize>(&mut self, value: &T) -> Result<String, crate::error::CliError> {
        let pretty =
            serde_json::to_string_pretty(value).map_err(|e| crate::error::CliError::Io {
                what: "cannot encode JSON".into(),
                source: std::io::Error::other(e),
            })?;
        let mut text = String::with_capacity(pretty.len() + pretty.len() / 8 + 4);
        text.push_str(if self.items == 0 { "[\n" } else { ",\n" });
        for (i, line) in pretty.split('\n').enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(&"  ".repeat(self.depth + 1));
            text.push_str(line);
        }
        self.items += 1;
        Ok(text)
    }

    /// What closes the array (with the final newline `Out::json` writes).
    pub fn end(&self) -> String {
        self.close() + "\n"
    }

    /// What closes the array, nothing after it.
    pub fn close(&self) -> String {
        match self.items {
            0 => "[]".into(),
            _ => format!("\n{}]", "  ".repeat(self.depth)),
        }
    }
}

/// `value` as `serde_json::to_string_pretty` writes it as a field `depth` levels deep.
pub fn pretty_at<T: Serialize>(value: &T, depth: usize) -> Result<String, crate::error::CliError> {
    let pretty = serde_json::to_string_pretty(value).map_err(|e| crate::error::CliError::Io {
        what: "cannot encode JSON".into(),
        source: std::io::Error::other(e),
    })?;
    Ok(pretty.replace('\n', &format!("\n{}", "  ".repeat(depth))))
}

#[cfg(test)]
mod tests {
    use super::ArrayWriter;

    #[test]
    fn streamed_arrays_match_serde_pretty() {
        let values = [
            vec![],
            vec![serde_json::json!({"a": 1, "b": ["x", "y\nz"], "c": {}})],
            vec![
                serde_json::json!({"a": []}),
                serde_json::json!("s"),
                serde_json::json!({"d": {"e": null}}),
            ],
        ];
        for items in values {
            let mut w = ArrayWriter::default();
            let mut text = String::new();
            for item in &items {
                text.push_str(&w.item(item).expect("encodes"));
            }
            text.push_str(&w.end());
            let whole = serde_json::to_string_pretty(&items).expect("encodes") + "\n";
            assert_eq!(text, whole);
            // The same array as a field of an object.
            let mut w = ArrayWriter::nested(1);
            let mut text = String::from("{\n  \"a\": ");
            for item in &items {
                text.push_str(&w.item(item).expect("encodes"));
            }
            text.push_str(&w.close());
            text.push_str(",\n  \"b\": ");
            text.push_str(&super::pretty_at(&items, 1).expect("encodes"));
            text.push_str("\n}");
            let whole = serde_json::json!({"a": items, "b": items});
            assert_eq!(text, serde_json::to_string_pretty(&whole).expect("encodes"));
        }
    }
}
