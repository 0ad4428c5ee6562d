//! The fence words people write that are neither a grammar's name nor a
//! file extension bat's grammar set knows, and what syntect should look
//! up instead. Its own room so the highlighter benchmark
//! (bench/highlighters/) includes it and looks grammars up as ssg does.

/// The syntect token for a fence word (lower case), or the word itself.
pub fn syntect_alias(token: &str) -> &str {
    match token {
        "shell" | "console" | "zsh" | "shell-session" | "terminal" => "bash",
        "posh" | "pwsh" | "powershell" => "ps1",
        "js" | "node" | "javascript" => "js",
        "ts" | "typescript" => "ts",
        "yml" => "yaml",
        "docker" | "containerfile" => "Dockerfile",
        "golang" => "go",
        "c++" => "cpp",
        "c#" | "csharp" => "cs",
        "objc" => "m",
        "html" | "xhtml" => "html",
        "jsonc" | "json5" => "json",
        "make" | "makefile" => "Makefile",
        "tf" | "hcl" | "terraform" => "tf",
        other => other,
    }
}
