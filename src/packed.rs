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

/// Words mapped to values: words of up to 16 bytes (nearly all) keyed by their packed bytes,
/// longer ones by their bytes.
#[derive(Debug)]
pub(crate) struct WordMap<V> {
    short: rustc_hash::FxHashMap<u128, V>,
    long: rustc_hash::FxHashMap<Box<[u8]>, V>,
}

impl<V> Default for WordMap<V> {
    fn default() -> WordMap<V> {
        WordMap { short: Default::default(), long: Default::default() }
    }
}

impl<V: Copy> WordMap<V> {
    /// Sets the value of a word; returns its packed key if it has one.
    pub(crate) fn insert(&mut self, word: &[u8], value: V) -> Option<u128> {
        match pack_at(word, 0, word.len()) {
            Some(k) => {
                self.short.insert(k, value);
                Some(k)
            }
            None => {
                self.long.insert(word.into(), value);
                None
            }
        }
    }

    /// The value of a word.
    pub(crate) fn get(&self, word: &[u8]) -> Option<V> {
        self.get_at(word, 0, word.len())
    }

    /// The value of the word `bytes[start..end]`.
    #[inline]
    pub(crate) fn get_at(&self, bytes: &[u8], start: usize, end: usize) -> Option<V> {
        match pack_at(bytes, start, end) {
            Some(k) => self.get_packed(k),
            None => self.long.get(&bytes[start..end]).copied(),
        }
    }

    /// The value of a word of at most 16 bytes, by its packed key.
    #[inline]
    pub(crate) fn get_packed(&self, key: u128) -> Option<V> {
        self.short.get(&key).copied()
    }

    /// How many words have a value.
    pub(crate) fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }
}

#[cfg(test)]
mod tests {
    use super::{WordMap, pack, pack_at};

    #[test]
    fn word_map_keys_short_and_long_words() {
        let mut m = WordMap::default();
        assert_eq!(m.insert(b"sanctions", 1), pack("sanctions"));
        assert_eq!(m.insert(b"internationalization", 2), None);
        let text = b"new sanctions and internationalization";
        assert_eq!(m.get_at(text, 4, 13), Some(1));
        assert_eq!(m.get_at(text, 18, text.len()), Some(2));
        assert_eq!(m.get(b"sanction"), None);
        assert_eq!(m.get(b"internationalisation"), None);
        assert_eq!(m.len(), 2);
    }

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
