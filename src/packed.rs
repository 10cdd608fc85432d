//! Short words as numbers: a word of at most 16 bytes packed into a `u128` hashes and
//! compares in a few instructions, where a `String` key costs a hash over its bytes and a
//! `memcmp`. Words of text hold no NUL byte, so the packing is one-to-one.

/// The word packed into a number, if it has at most 16 bytes.
pub(crate) fn pack(word: &str) -> Option<u128> {
    let b = word.as_bytes();
    (b.len() <= 16).then(|| {
        let mut buf = [0u8; 16];
        buf[..b.len()].copy_from_slice(b);
        u128::from_le_bytes(buf)
    })
}

#[cfg(test)]
mod tests {
    use super::pack;

    #[test]
    fn packs_short_words_only_and_one_to_one() {
        assert_eq!(pack(""), Some(0));
        assert_ne!(pack("a"), pack("b"));
        assert_ne!(pack("ab"), pack("ba"));
        assert_eq!(pack("sixteen_bytes_ok").map(|k| k.to_le_bytes()), Some(*b"sixteen_bytes_ok"));
        assert_eq!(pack("seventeen_bytes_x"), None);
    }
}
