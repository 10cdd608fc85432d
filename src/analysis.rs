//! The analyzers of the index: English text (words, lower-cased, ASCII-folded, stop words
//! removed, stemmed behind a cache) and keywords. Registered on every opened index under the
//! names `schema.toml` uses ([`crate::schema`]); the highlighter and W/S analyze stored text
//! with the same ones.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer, TextAnalyzerBuilder, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

use crate::packed::pack;
use crate::schema::{ENGLISH, KEYWORD};

/// The English analyzer: words, lower-cased, ASCII-folded, Lucene's English stop words
/// removed (leaving position gaps), Porter-style stemming. Public so that benchmarks and
/// tools can analyze text exactly as the index does.
///
/// ```
/// let mut a = gazette::schema::english_analyzer();
/// let mut s = a.token_stream("Sanctions");
/// assert_eq!(s.next().unwrap().text, "sanction");
/// ```
pub fn english_analyzer() -> TextAnalyzer {
    english_word_steps().filter(CachedStemmer).build()
}

/// The steps of [`english_analyzer`] before stemming, which [`english_words`] is.
fn english_word_steps() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::new(Language::English).expect("English stop words are built in"))
}

/// tantivy's English [`Stemmer`] with a cache of the words it has stemmed. Most words of news
/// text repeat, and stemming each one again was a sixth of indexing time. Each copy of the
/// analyzer (one per field and indexing thread) has its own cache, emptied when it reaches
/// [`STEM_CACHE_WORDS`] words.
#[derive(Clone)]
struct CachedStemmer;

/// At most this many words per stem cache (a few MB).
const STEM_CACHE_WORDS: usize = 20_000;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { inner: tokenizer, stemmer: english_stemmer(), stems: Default::default() }
    }
}

#[derive(Clone)]
/// The tokenizer [`CachedStemmer`] makes.
pub(crate) struct CachedStemmerFilter<T> {
    inner: T,
    stemmer: TextAnalyzer,
    stems: StemCache,
}

/// Packed word -> packed stem and its length (see [`crate::packed`]).
type StemCache = rustc_hash::FxHashMap<u128, (u128, u8)>;

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream { tail: self.inner.token_stream(text), stemmer: &mut self.stemmer, stems: &mut self.stems }
    }
}

/// The token stream of [`CachedStemmerFilter`].
pub(crate) struct CachedStemmerStream<'a, S> {
    tail: S,
    stemmer: &'a mut TextAnalyzer,
    stems: &'a mut StemCache,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // Words of up to 16 bytes (nearly all) are cached, packed into a number: hashing and
        // comparing them costs a few instructions. Words have no NUL bytes, so the packing
        // is one-to-one.
        let key = pack(&token.text);
        if let Some((stem, len)) = key.and_then(|k| self.stems.get(&k)) {
            let bytes = stem.to_le_bytes();
            if let Ok(stem) = std::str::from_utf8(&bytes[..*len as usize]) {
                token.text.clear();
                token.text.push_str(stem);
                return true;
            }
        }
        let Some(stem) = self.stemmer.token_stream(&token.text).next().map(|t| t.text.clone()) else { return true };
        if let (Some(key), Some(packed)) = (key, pack(&stem)) {
            if self.stems.len() >= STEM_CACHE_WORDS {
                self.stems.clear();
            }
            self.stems.insert(key, (packed, stem.len() as u8));
        }
        token.text = stem;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// [`english_analyzer`] without its last step: the same words at the same positions and
/// offsets, not stemmed. With [`english_stemmer`] applied to each word, the two give what
/// [`english_analyzer`] gives; the highlighter stems only the words that can match.
pub(crate) fn english_words() -> TextAnalyzer {
    english_word_steps().build()
}

/// The stemming step of [`english_analyzer`], for one word of [`english_words`] at a time.
/// The stem of a word always begins with the word's first letter (stemming rewrites
/// suffixes only; a test checks this on the bundled corpus).
pub(crate) fn english_stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build()
}

/// The keyword analyzer: the whole value as one lower-cased token.
pub(crate) fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build()
}

/// Registers Gazette's analyzers; must be done on every opened index.
pub(crate) fn register_analyzers(tokenizers: &TokenizerManager) {
    tokenizers.register(ENGLISH, english_analyzer());
    tokenizers.register(KEYWORD, keyword_analyzer());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stem_cache_changes_nothing() {
        let text = bundled_texts().join("\n\n");
        let mut uncached = english_word_steps().filter(Stemmer::new(Language::English)).build();
        let tokens = |a: &mut TextAnalyzer| {
            let mut out = Vec::new();
            let mut s = a.token_stream(&text);
            while let Some(t) = s.next() {
                out.push((t.position, t.offset_from, t.offset_to, t.text.clone()));
            }
            out
        };
        let want = tokens(&mut uncached);
        assert!(want.len() > 10_000);
        let mut cached = english_analyzer();
        // The first pass fills the cache, the second reads it.
        assert_eq!(tokens(&mut cached), want);
        assert_eq!(tokens(&mut cached), want);
    }

    /// The texts of the bundled corpus.
    fn bundled_texts() -> Vec<String> {
        let mut texts = Vec::new();
        for entry in walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus-sample")) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                texts.push(String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned());
            }
        }
        texts
    }

    #[test]
    fn words_then_stems_equal_the_english_analyzer() {
        // Every text of the bundled corpus, word by word.
        let texts = bundled_texts();
        assert!(texts.len() > 10);
        let (mut full, mut words, mut stemmer) = (english_analyzer(), english_words(), english_stemmer());
        let mut checked = 0;
        for text in &texts {
            let mut expected = Vec::new();
            let mut s = full.token_stream(text);
            while let Some(t) = s.next() {
                expected.push((t.position, t.offset_from, t.text.clone()));
            }
            let mut got = Vec::new();
            let mut s = words.token_stream(text);
            while let Some(t) = s.next() {
                let stem = stemmer.token_stream(&t.text).next().unwrap().text.clone();
                assert_eq!(stem.as_bytes()[0], t.text.as_bytes()[0], "{} stems to {stem}", t.text);
                got.push((t.position, t.offset_from, stem));
            }
            checked += got.len();
            assert_eq!(got, expected);
        }
        assert!(checked > 10_000, "{checked} words");
    }

    #[test]
    fn english_analyzer_stems_and_folds() {
        let mut a = english_analyzer();
        let mut stream = a.token_stream("The Sanctions on Café exports");
        let mut terms = Vec::new();
        while let Some(t) = stream.next() {
            terms.push(t.text.clone());
        }
        assert_eq!(terms, ["sanction", "cafe", "export"]);
    }
}
