//! A ticket's version on disk: a hash of the bytes of its files and of the status directory it
//! sits in, so any write by any tool (ours, `tickets.sh`, an editor, a `git pull`) gives a new
//! version, and two reads of an unchanged ticket give the same one.
//!
//! xxh3 (64 bits) over each file's length and bytes in a fixed order; a missing file counts
//! differently from an empty one. Artifacts are not part of it: they are the ticket's
//! attachments, not its state. The version is a cache key for compare-and-swap, not a checksum
//! against tampering.

use ticket_domain::Version;
use xxhash_rust::xxh3::Xxh3;

/// The version of a ticket whose files hold these bytes (`None`: the file does not exist).
pub fn of(
    status_dir: &str,
    item: &[u8],
    thread: Option<&[u8]>,
    resolution: Option<&[u8]>,
) -> Version {
    let mut h = Xxh3::new();
    for part in [Some(status_dir.as_bytes()), Some(item), thread, resolution] {
        match part {
            Some(bytes) => {
                h.update(&[1]);
                h.update(&(bytes.len() as u64).to_le_bytes());
                h.update(bytes);
            }
            None => h.update(&[0]),
        }
    }
    Version::new(format!("{:016x}", h.digest()))
}

#[cfg(test)]
mod tests {
    use super::of;

    #[test]
    fn every_part_counts() {
        let base = of("open", b"item", Some(b"thread"), None);
        assert_eq!(base, of("open", b"item", Some(b"thread"), None));
        assert_eq!(base.as_str().len(), 16);
        for other in [
            of("pending", b"item", Some(b"thread"), None),
            of("open", b"item ", Some(b"thread"), None),
            of("open", b"item", Some(b"thread\n"), None),
            of("open", b"item", None, None),
            of("open", b"item", Some(b"thread"), Some(b"")),
            // Moving bytes from one file to the next is a different ticket.
            of("open", b"itemt", Some(b"hread"), None),
        ] {
            assert_ne!(base, other);
        }
    }
}
