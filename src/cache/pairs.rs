//! Maps in the cache's binary form (postcard) as a sequence of key-value
//! pairs, and as maps in text forms (JSON). Read back as a map, postcard
//! inserts entry by entry: a `BTreeMap` then searches for every key (at
//! 100,000 posts, five million string comparisons per map) and a hash map
//! grows and moves every entry several times. Read as pairs, a `BTreeMap`
//! is built in one pass from keys in order and a hash map is sized once.
//!
//! Use as `#[serde(with = "crate::cache::pairs")]`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub fn serialize<'a, M, K, V, S>(map: &'a M, serializer: S) -> Result<S::Ok, S::Error>
where
    &'a M: IntoIterator<Item = (&'a K, &'a V)>,
    K: Serialize + 'a,
    V: Serialize + 'a,
    S: Serializer,
{
    if serializer.is_human_readable() {
        serializer.collect_map(map)
    } else {
        serializer.collect_seq(map)
    }
}

pub fn deserialize<'de, M, K, V, D>(deserializer: D) -> Result<M, D::Error>
where
    M: FromIterator<(K, V)> + Deserialize<'de>,
    K: Deserialize<'de>,
    V: Deserialize<'de>,
    D: Deserializer<'de>,
{
    if deserializer.is_human_readable() {
        M::deserialize(deserializer)
    } else {
        let pairs = Vec::<(K, V)>::deserialize(deserializer)?;
        Ok(pairs.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rustc_hash::FxHashMap;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Maps {
        #[serde(with = "super")]
        sorted: BTreeMap<String, u32>,
        #[serde(with = "super")]
        hashed: FxHashMap<String, u32>,
    }

    #[test]
    fn pairs_in_postcard_and_a_map_in_json_read_back_the_same() {
        let maps = Maps {
            sorted: BTreeMap::from([("b".into(), 2), ("a".into(), 1)]),
            hashed: FxHashMap::from_iter([("x".to_string(), 9)]),
        };
        let json = serde_json::to_string(&maps).unwrap();
        assert_eq!(json, r#"{"sorted":{"a":1,"b":2},"hashed":{"x":9}}"#);
        assert_eq!(serde_json::from_str::<Maps>(&json).unwrap(), maps);
        let bytes = postcard::to_allocvec(&maps).unwrap();
        assert_eq!(postcard::from_bytes::<Maps>(&bytes).unwrap(), maps);
    }
}
