//! What a reader sees of highlighted code: for each character, the colour,
//! background and font style that `/highlight.css` gives it, resolved the
//! way a browser does (selectors of classes and descendants, specificity,
//! then order; colour and font inherited, underline drawn through).
//!
//! It exists to prove that two engines' HTML look the same under a theme
//! (issue 29: syntaxmate replaces syntect only where no character changes
//! colour). It reads only what syntect's theme CSS and ssg's code HTML
//! contain. The highlighter benchmark (bench/highlighters/) includes this
//! file too, so the benchmark's agreement figures and ssg's test use one
//! method.

use std::collections::HashMap;

/// How one character is drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Look {
    pub color: Option<String>,
    pub background: Option<String>,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
}

/// One property a rule sets.
#[derive(Debug, Clone)]
enum Declaration {
    Color(String),
    Background(String),
    Bold(bool),
    Italic(bool),
    Underline(bool),
}

/// The classes of each element around a character, outermost first.
pub type Elements = Vec<Vec<String>>;

/// A selector: compounds of classes, outermost first (`.a.b .c` → [[a, b], [c]]).
type Selector = Vec<Vec<String>>;

struct Rule {
    selector: Selector,
    specificity: usize,
    declarations: Vec<Declaration>,
}

/// The rules of a theme stylesheet, in order.
pub struct Stylesheet {
    rules: Vec<Rule>,
}

impl Stylesheet {
    /// Reads the class rules of `css` (comments, other selectors and other
    /// properties are skipped: syntect's theme CSS has only these).
    pub fn parse(css: &str) -> Stylesheet {
        let css = strip_comments(css);
        let mut rules = Vec::new();
        for block in css.split('}') {
            let Some((selectors, body)) = block.split_once('{') else {
                continue;
            };
            let declarations: Vec<Declaration> = body.split(';').filter_map(declaration).collect();
            for selector in selectors.split(',').filter_map(selector) {
                let specificity = selector.iter().map(Vec::len).sum();
                rules.push(Rule {
                    selector,
                    specificity,
                    declarations: declarations.clone(),
                });
            }
        }
        Stylesheet { rules }
    }

    /// The look of the innermost of `elements` (each one's classes,
    /// outermost element first).
    pub fn look<S: AsRef<str>>(&self, elements: &[Vec<S>]) -> Look {
        let mut look = Look::default();
        for depth in 0..elements.len() {
            let chain = &elements[..=depth];
            // Background is not inherited, but a parent's shows through.
            let mut declared: [Option<(usize, usize, &Declaration)>; 5] = Default::default();
            for (order, rule) in self.rules.iter().enumerate() {
                if !matches(&rule.selector, chain) {
                    continue;
                }
                for d in &rule.declarations {
                    let slot = &mut declared[property_index(d)];
                    if slot.is_none_or(|(s, o, _)| (rule.specificity, order) >= (s, o)) {
                        *slot = Some((rule.specificity, order, d));
                    }
                }
            }
            for (_, _, d) in declared.iter().flatten() {
                match d {
                    Declaration::Color(c) => look.color = Some(c.clone()),
                    Declaration::Background(c) => look.background = Some(c.clone()),
                    Declaration::Bold(b) => look.bold = *b,
                    Declaration::Italic(i) => look.italic = *i,
                    // An ancestor's underline is drawn through its descendants.
                    Declaration::Underline(u) => look.underline |= *u,
                }
            }
        }
        look
    }
}

fn property_index(d: &Declaration) -> usize {
    match d {
        Declaration::Color(_) => 0,
        Declaration::Background(_) => 1,
        Declaration::Bold(_) => 2,
        Declaration::Italic(_) => 3,
        Declaration::Underline(_) => 4,
    }
}

/// Whether the last of `chain` matches `selector` (descendant combinators only).
fn matches<S: AsRef<str>>(selector: &Selector, chain: &[Vec<S>]) -> bool {
    let Some((last, ancestors)) = selector.split_last() else {
        return false;
    };
    let Some((element, mut above)) = chain.split_last() else {
        return false;
    };
    if !has_classes(element, last) {
        return false;
    }
    // Greedy from the innermost ancestor outwards is exact for descendant-only selectors.
    for compound in ancestors.iter().rev() {
        match above.iter().rposition(|e| has_classes(e, compound)) {
            Some(at) => above = &above[..at],
            None => return false,
        }
    }
    true
}

fn has_classes<S: AsRef<str>>(element: &[S], compound: &[String]) -> bool {
    compound
        .iter()
        .all(|class| element.iter().any(|c| c.as_ref() == class))
}

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .split_once("*/")
            .map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

/// `.a.b .c` → [[a, b], [c]]; `None` for anything but classes.
fn selector(text: &str) -> Option<Selector> {
    let mut compounds = Vec::new();
    for compound in text.split_whitespace() {
        let mut classes = Vec::new();
        let mut chars = compound.chars();
        if chars.next() != Some('.') {
            return None;
        }
        let mut class = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => class.extend(chars.next()),
                '.' => classes.push(std::mem::take(&mut class)),
                c => class.push(c),
            }
        }
        classes.push(class);
        compounds.push(classes);
    }
    (!compounds.is_empty()).then_some(compounds)
}

fn declaration(text: &str) -> Option<Declaration> {
    let (property, value) = text.split_once(':')?;
    let value = value.trim().to_ascii_lowercase();
    Some(match property.trim() {
        "color" => Declaration::Color(value),
        "background-color" => Declaration::Background(value),
        "font-weight" => Declaration::Bold(value == "bold" || value == "700"),
        "font-style" => Declaration::Italic(value == "italic"),
        "text-decoration" => Declaration::Underline(value.contains("underline")),
        _ => return None,
    })
}

/// Each character of highlighted `html` (entities decoded) with the
/// classes of the elements around it, outermost first. Tags other than
/// `<span>` count as elements too (`<pre class="hl-code">` holds the
/// theme's base colours). An error for HTML that does not nest.
pub fn characters(html: &str) -> Result<Vec<(char, Elements)>, String> {
    let mut out = Vec::with_capacity(html.len());
    let mut stack: Elements = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').ok_or("a tag that does not end")?;
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            if tag.starts_with('/') {
                stack
                    .pop()
                    .ok_or_else(|| format!("<{tag}> closes nothing"))?;
            } else if !tag.starts_with('!') {
                stack.push(classes_of(tag));
            }
            continue;
        }
        let (decoded, len) = if c == '&' {
            entity(rest).ok_or_else(|| format!("unknown entity at {:.12}", rest))?
        } else {
            (c, c.len_utf8())
        };
        out.push((decoded, stack.clone()));
        rest = &rest[len..];
    }
    if !stack.is_empty() {
        return Err(format!("{} elements left open", stack.len()));
    }
    Ok(out)
}

fn classes_of(tag: &str) -> Vec<String> {
    let Some(at) = tag.find("class=\"") else {
        return Vec::new();
    };
    let value = &tag[at + 7..];
    let value = &value[..value.find('"').unwrap_or(value.len())];
    value.split_whitespace().map(str::to_string).collect()
}

/// The character an entity at the start of `text` stands for, and its length.
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.find(';')?;
    let name = &text[1..end];
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => name.strip_prefix('#')?.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

/// The looks of two engines' HTML of one block, compared character by
/// character over the characters that show (not whitespace).
#[derive(Debug, Default)]
pub struct Agreement {
    pub shown: usize,
    pub same: usize,
    /// Characters that differ: (the character, first engine's scopes,
    /// second's), as `source.rust > meta.block.rust` (the classes of each
    /// element around the character, its `hl-` prefixes dropped).
    pub differing: Vec<(char, String, String)>,
}

/// Compares the looks `sheet` gives two HTML renderings of the same text;
/// an error when the texts differ (an engine dropped or added text).
pub fn agreement(sheet: &Stylesheet, first: &str, second: &str) -> Result<Agreement, String> {
    let a = characters(first)?;
    let b = characters(second)?;
    let text = |chars: &[(char, Elements)]| chars.iter().map(|(c, _)| *c).collect::<String>();
    if a.len() != b.len() || text(&a) != text(&b) {
        return Err("the two renderings hold different text".into());
    }
    let mut looks: HashMap<Elements, Look> = HashMap::new();
    let mut look_of = |stack: &Elements| {
        looks
            .entry(stack.clone())
            .or_insert_with(|| sheet.look(stack))
            .clone()
    };
    let mut result = Agreement::default();
    for ((c, stack_a), (_, stack_b)) in a.iter().zip(&b) {
        if c.is_whitespace() {
            continue;
        }
        result.shown += 1;
        if look_of(stack_a) == look_of(stack_b) {
            result.same += 1;
        } else {
            result
                .differing
                .push((*c, scope_path(stack_a), scope_path(stack_b)));
        }
    }
    Ok(result)
}

fn scope_path(stack: &[Vec<String>]) -> String {
    let scopes: Vec<String> = (stack.iter())
        .map(|classes| {
            let atoms: Vec<&str> = (classes.iter())
                .map(|c| c.strip_prefix("hl-").unwrap_or(c))
                .collect();
            atoms.join(".")
        })
        .filter(|scope| !scope.is_empty() && scope != "code")
        .collect();
    scopes.join(" > ")
}
