//! What the binary knows of its own source, worked out at build time:
//! the commit `ssg --version` names (`buildscript/version.rs`) and the
//! fingerprint of the code that renders Markdown, which keys the Markdown
//! cache (`buildscript/render_fingerprint.rs`).

#[path = "buildscript/render_fingerprint.rs"]
mod render_fingerprint;
#[path = "buildscript/version.rs"]
mod version;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=buildscript");
    version::emit();
    render_fingerprint::emit();
}
