//! Rewrites of frontmatter as edits make them, as properties over hostile values: a value set
//! reads back as itself (quoted when it must be), a key removed is gone with its continuation
//! lines, every other entry keeps its bytes, and the body is kept, or replaced byte for byte.

use proptest::prelude::*;
use ticket_format::frontmatter::{self, remove_fields, set_fields, with_body};
use ticket_format::scalar::{decode_flow_list, encode_flow_list, encode_scalar};

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9 ]{0,6}",
            Just(": ".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("[x, y]".to_owned()),
            Just("null".to_owned()),
            Just("#".to_owned()),
            Just("---".to_owned()),
            Just("\n---\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("\t".to_owned()),
            Just("\\".to_owned()),
            Just("永続化".to_owned()),
        ],
        0..5,
    )
    .prop_map(|p| p.concat())
}

const KEYS: [&str; 5] = ["title", "owner", "labels", "x-custom", "note"];

fn item(crlf: bool) -> String {
    let text = "---\nid: x\ntitle: \"Hand: edited\"\nlabels:\n  - one\n  - 'two'\n# comment\nowner: 'platform'\nx-custom: [a, b]\n---\nbody\n---\nowner: not a key\n";
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text.to_owned()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn edited_frontmatter_round_trips(
        crlf in any::<bool>(),
        sets in prop::collection::vec((0..KEYS.len(), hostile()), 0..4),
        removes in prop::collection::vec(0..KEYS.len(), 0..2),
        list in prop::collection::vec(hostile().prop_filter("an item", |s| !s.is_empty()), 0..3),
        body in prop::option::of(hostile()),
    ) {
        let original = item(crlf);
        let removed: Vec<&str> = removes.iter().map(|&i| KEYS[i]).collect();
        let mut text = remove_fields(&original, &removed).expect("frontmatter");
        let encoded: Vec<(&str, String)> = sets
            .iter()
            .map(|(i, v)| {
                let key = KEYS[*i];
                let value = if key == "labels" { encode_flow_list(&list) } else { encode_scalar(v, false) };
                (key, value)
            })
            .collect();
        let pairs: Vec<(&str, &str)> = encoded.iter().map(|(k, v)| (*k, v.as_str())).collect();
        text = set_fields(&text, &pairs).expect("frontmatter");
        if let Some(body) = &body {
            text = with_body(&text, body).expect("frontmatter");
        }
        let fm = frontmatter::parse(&text).expect("still delimited");
        prop_assert!(fm.issues.is_empty(), "{:?}", fm.issues);
        let before = frontmatter::parse(&original).expect("valid");
        for key in KEYS {
            let last_set = sets.iter().rev().find(|(i, _)| KEYS[*i] == key);
            match (last_set, removed.contains(&key)) {
                (Some((_, v)), _) => {
                    let entry = fm.entry(key).expect("set");
                    if key == "labels" {
                        prop_assert_eq!(decode_flow_list(&entry.raw), Ok(list.clone()));
                    } else {
                        prop_assert_eq!(entry.scalar(), Ok(v.clone()));
                    }
                    prop_assert_eq!(fm.entries.iter().filter(|e| e.key == key).count(), 1);
                }
                (None, true) => prop_assert!(fm.entry(key).is_none(), "{} removed", key),
                (None, false) => match (before.entry(key), fm.entry(key)) {
                    (Some(old), Some(new)) => {
                        prop_assert_eq!(&original[old.span.clone()], &text[new.span.clone()])
                    }
                    (None, None) => {}
                    (old, new) => prop_assert!(false, "{}: {:?} became {:?}", key, old, new),
                },
            }
        }
        let comment = if crlf { "# comment\r\n" } else { "# comment\n" };
        prop_assert!(text.contains(comment), "the comment line survives");
        let want_body = body.unwrap_or_else(|| original[before.body_start..].to_owned());
        prop_assert_eq!(&text[fm.body_start..], want_body.as_str());
    }
}
