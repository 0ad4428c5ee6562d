//! How text becomes the words of the search index. The browser's client
//! (`client.js`, `words`) splits a query by the same rule, and a test runs
//! both on the same strings, so a word typed is looked up as it was indexed.
//!
//! A word is a run of letters and digits, lowercased a character at a time
//! and a Latin letter's accents dropped ([`fold`]: "café" is "cafe", so
//! a reader typing without accents finds it, as in Meilisearch and
//! Algolia); no stemming: the client matches a typed word as a prefix
//! instead, so "deploy" finds "deployment". Chinese, Japanese and Korean are written
//! without spaces between words; their characters are indexed as
//! overlapping pairs (熊猫吃 → 熊猫, 猫吃), as Lucene's CJK analyzer does, so
//! a word of any length inside a sentence is found by its pairs. A lone
//! character of those scripts is a word of its own. Words of one Latin
//! letter (a, I) are in every page and tell nothing; words over
//! [`MAX_WORD_CHARS`] are hashes and encodings, not words. Both are left out.

/// Longest word indexed, in characters.
pub const MAX_WORD_CHARS: usize = 40;

/// Whether `c` is written without spaces between words: Han, kana, Hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xAC00..=0xD7AF | 0x20000..=0x2FFFF)
}

/// `c` without its accents where it is a Latin letter written with them
/// (é → e, Ñ → N, ǅ stays): its canonical decomposition is an ASCII
/// letter and marks of the Combining Diacritical Marks block. Only
/// letters of the Latin blocks are looked at — elsewhere a mark can be a
/// vowel (Devanagari) — and each maps to one character, so the client can
/// fold a page's text in place and keep its offsets.
pub fn fold(c: char) -> char {
    use unicode_normalization::UnicodeNormalization;
    if !matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}') {
        return c;
    }
    let mut parts = std::iter::once(c).nfd();
    match parts.next() {
        Some(base)
            if base.is_ascii_alphabetic()
                && parts.all(|m| ('\u{300}'..='\u{36F}').contains(&m)) =>
        {
            base
        }
        _ => c,
    }
}

/// Calls `found` with each word of `text`, in order, repeats included.
pub fn for_each_word(text: &str, mut found: impl FnMut(&str)) {
    let mut word = String::new();
    let mut chars = 0;
    // The CJK run being read: its last character and its length so far.
    let mut cjk: Option<(char, usize)> = None;
    let mut pair = String::new();
    for c in text.chars() {
        // Most text is ASCII: its letters and digits, lowercased, without
        // Unicode's tables.
        if c.is_ascii() {
            end_cjk_run(&mut cjk, &mut found);
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
                chars += 1;
            } else {
                end_word(&mut word, &mut chars, &mut found);
            }
            continue;
        }
        if is_cjk(c) {
            end_word(&mut word, &mut chars, &mut found);
            if let Some((last, _)) = cjk {
                pair.clear();
                pair.push(last);
                pair.push(c);
                found(&pair);
            }
            cjk = Some((c, cjk.map_or(1, |(_, n)| n + 1)));
            continue;
        }
        end_cjk_run(&mut cjk, &mut found);
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase().map(fold));
            chars += 1;
        } else {
            end_word(&mut word, &mut chars, &mut found);
        }
    }
    end_cjk_run(&mut cjk, &mut found);
    end_word(&mut word, &mut chars, &mut found);
}

fn end_word(word: &mut String, chars: &mut usize, found: &mut impl FnMut(&str)) {
    if *chars > 1 && *chars <= MAX_WORD_CHARS {
        found(word);
    }
    word.clear();
    *chars = 0;
}

/// A run of one CJK character is that character as a word; longer runs
/// were given as their pairs.
fn end_cjk_run(cjk: &mut Option<(char, usize)>, found: &mut impl FnMut(&str)) {
    if let Some((c, 1)) = cjk.take() {
        found(c.encode_utf8(&mut [0; 4]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut all = Vec::new();
        for_each_word(text, |w| all.push(w.to_string()));
        all
    }

    #[test]
    fn latin_words_are_lowercased_runs_of_letters_and_digits() {
        assert_eq!(
            words("Deploy to S3 in 2024: it's <fast>!"),
            ["deploy", "to", "s3", "in", "2024", "it", "fast"]
        );
        assert_eq!(words("Ünïcode ÉTÉ"), ["unicode", "ete"]);
    }

    #[test]
    fn latin_letters_lose_their_accents_and_other_marks_stay() {
        assert_eq!(
            words("Café crème Ñandú Ångström Øre Ærø ǅemal"),
            ["cafe", "creme", "nandu", "angstrom", "øre", "ærø", "ǆemal"]
        );
        // Devanagari's vowel signs are marks too, and not accents.
        assert_eq!(fold('\u{93F}'), '\u{93F}');
        assert_eq!(fold('é'), 'e');
        assert_eq!(fold('ß'), 'ß');
    }

    #[test]
    fn cjk_runs_become_overlapping_pairs_and_lone_characters_stay() {
        assert_eq!(words("熊猫吃竹子"), ["熊猫", "猫吃", "吃竹", "竹子"]);
        assert_eq!(words("a 熊 b"), ["熊"]);
        assert_eq!(words("ssg是工具"), ["ssg", "是工", "工具"]);
    }

    #[test]
    fn one_letter_and_overlong_words_are_left_out() {
        let long = "x".repeat(MAX_WORD_CHARS + 1);
        let longest = "y".repeat(MAX_WORD_CHARS);
        assert_eq!(words(&format!("a {long} {longest} b")), [longest]);
    }
}
