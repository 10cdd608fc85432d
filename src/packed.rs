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

/// The low `n` bytes of a `u128`, for `n` from 0 to 16.
static MASKS: [u128; 17] = {
    let mut m = [0u128; 17];
    let mut n = 1;
    while n < 17 {
        m[n] = if n == 16 { u128::MAX } else { (1u128 << (8 * n)) - 1 };
        n += 1;
    }
    m
};

/// `bytes[start..end]` packed as [`pack`] packs it, if it has at most 16 bytes: one 16-byte
/// load and a mask where the bytes allow it, instead of a copy of variable length.
#[inline]
pub(crate) fn pack_at(bytes: &[u8], start: usize, end: usize) -> Option<u128> {
    let len = end - start;
    if len > 16 {
        return None;
    }
    if let Some(chunk) = bytes.get(start..start + 16) {
        let v = u128::from_le_bytes(chunk.try_into().expect("16 bytes"));
        return Some(v & MASKS[len]);
    }
    let mut buf = [0u8; 16];
    buf[..len].copy_from_slice(&bytes[start..end]);
    Some(u128::from_le_bytes(buf))
}

#[cfg(test)]
mod tests {
    use super::{pack, pack_at};

    #[test]
    fn packing_in_place_is_packing_a_copy() {
        let text = "a sixteen_bytes_ok word, seventeen_bytes_x and the end";
        for start in 0..text.len() {
            for end in start..=text.len() {
                assert_eq!(pack_at(text.as_bytes(), start, end), pack(&text[start..end]), "{start}..{end}");
            }
        }
    }

    #[test]
    fn packs_short_words_only_and_one_to_one() {
        assert_eq!(pack(""), Some(0));
        assert_ne!(pack("a"), pack("b"));
        assert_ne!(pack("ab"), pack("ba"));
        assert_eq!(pack("sixteen_bytes_ok").map(|k| k.to_le_bytes()), Some(*b"sixteen_bytes_ok"));
        assert_eq!(pack("seventeen_bytes_x"), None);
    }
}
