//! ssg's own files for what the comparison must match exactly: its fence
//! words, its scope spans and renames, its way of resolving theme CSS.
//! Included, not copied, so the benchmark measures what ssg emits.

// ADOPTED is read through adopted_language only.
#[allow(dead_code)]
#[path = "../../../../src/highlight/adopted.rs"]
pub mod adopted;
#[path = "../../../../src/highlight/fence_words.rs"]
pub mod fence_words;
#[path = "../../../../src/highlight/looks.rs"]
pub mod looks;
#[path = "../../../../src/highlight/scope_spans.rs"]
pub mod scope_spans;
