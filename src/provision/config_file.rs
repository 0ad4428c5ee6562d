//! Reading and writing the `[publish]` keys provisioning owns in ssg.toml
//! (bucket, region, distribution_id, directory_keys) through `toml_edit`,
//! so the user's comments, key order and formatting survive.

use std::path::Path;

use anyhow::{Context as _, Result};
use toml_edit::{DocumentMut, Item, Table, value};

use super::model::ConfigKeys;

const KEYS: [&str; 4] = ["bucket", "region", "distribution_id", "directory_keys"];

fn load(path: &Path) -> Result<DocumentMut> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.parse::<DocumentMut>()
        .with_context(|| format!("{} is not valid TOML", path.display()))
}

fn save(path: &Path, doc: &DocumentMut) -> Result<()> {
    std::fs::write(path, doc.to_string())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The keys as the file has them now.
pub fn read(path: &Path) -> Result<ConfigKeys> {
    let doc = load(path)?;
    let Some(publish) = doc.get("publish").and_then(Item::as_table_like) else {
        return Ok(ConfigKeys::default());
    };
    let text = |k: &str| publish.get(k).and_then(Item::as_str).map(String::from);
    Ok(ConfigKeys {
        bucket: text("bucket"),
        region: text("region"),
        distribution_id: text("distribution_id"),
        directory_keys: publish.get("directory_keys").and_then(Item::as_bool),
    })
}

/// Sets the four keys in `[publish]` (creating the section at the end when
/// there is none), touching nothing else.
pub fn write(path: &Path, bucket: &str, region: &str, distribution_id: &str) -> Result<()> {
    let mut doc = load(path)?;
    if doc.get("publish").is_none() {
        let mut table = Table::new();
        table
            .decor_mut()
            .set_prefix("\n# Written by `ssg provision`.\n");
        doc.insert("publish", Item::Table(table));
    }
    let publish = doc["publish"]
        .as_table_like_mut()
        .context("ssg.toml: `publish` is not a table")?;
    let mut set = |k: &str, v: toml_edit::Item| {
        if publish.get(k).map(|old| old.to_string().trim().to_string())
            != Some(v.to_string().trim().to_string())
        {
            publish.insert(k, v);
        }
    };
    set("bucket", value(bucket));
    set("region", value(region));
    set("distribution_id", value(distribution_id));
    set("directory_keys", value(true));
    save(path, &doc)
}

/// Removes the keys `write` sets (and the section, when nothing else is
/// left in it), after `--destroy`.
pub fn remove(path: &Path) -> Result<()> {
    let mut doc = load(path)?;
    let Some(publish) = doc.get_mut("publish").and_then(Item::as_table_like_mut) else {
        return Ok(());
    };
    for key in KEYS {
        publish.remove(key);
    }
    if publish.is_empty() {
        doc.remove("publish");
    }
    save(path, &doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_comments_and_order_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ssg.toml");
        let original = "# my site\ntitle = \"T\" # the title\n\n[build]\n# pages per listing\npaginate_by = 5\n";
        std::fs::write(&path, original).unwrap();
        write(&path, "b", "eu-west-1", "E1").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(original), "{text}");
        assert!(text.contains("[publish]\nbucket = \"b\"\nregion = \"eu-west-1\"\ndistribution_id = \"E1\"\ndirectory_keys = true\n"), "{text}");
        let keys = read(&path).unwrap();
        assert_eq!(keys.distribution_id.as_deref(), Some("E1"));
        assert_eq!(keys.directory_keys, Some(true));
        // Writing the same values again changes no byte.
        write(&path, "b", "eu-west-1", "E1").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        remove(&path).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap().trim_end(),
            original.trim_end()
        );
    }

    #[test]
    fn remove_keeps_keys_the_user_added() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ssg.toml");
        std::fs::write(
            &path,
            "[publish]\nbucket = \"b\"\nmax_deletes = 3 # careful\n",
        )
        .unwrap();
        remove(&path).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "[publish]\nmax_deletes = 3 # careful\n"
        );
    }
}
