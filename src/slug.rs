//! URL slugs: lower-case ASCII words joined by `-`, Unicode transliterated.

/// `"Héllo, Wörld!"` → `"hello-world"`. Returns an empty string only when
/// the input has no letters or digits at all.
pub fn slugify(input: &str) -> String {
    let ascii = deunicode::deunicode(input);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn basic() {
        assert_eq!(slugify("Hello World"), "hello-world");
        assert_eq!(slugify("  web development  "), "web-development");
        assert_eq!(slugify("C++ & Rust!"), "c-rust");
    }

    #[test]
    fn transliterates() {
        assert_eq!(slugify("Crème brûlée"), "creme-brulee");
        assert_eq!(slugify("Über straße"), "uber-strasse");
    }

    #[test]
    fn empty_for_symbols() {
        assert_eq!(slugify("!!!"), "");
    }
}
