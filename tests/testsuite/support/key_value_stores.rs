//! CloudFront KeyValueStores as AWS documents them, answered by the relay
//! (through `functions::answer`). moto has no data plane (ListKeys,
//! UpdateKeys) at all, and its control plane takes any If-Match on a
//! delete and deletes a store a function still names; both halves live
//! here so they share one state. As AWS documents it:
//!
//! - control plane (CloudFront API, XML): CreateKeyValueStore
//!   (`POST /2020-05-31/key-value-store`), DescribeKeyValueStore and
//!   DeleteKeyValueStore (`/2020-05-31/key-value-store/NAME`); a delete
//!   names the current ETag and fails while a function names the store;
//! - data plane (`/key-value-stores/ARN`, JSON): DescribeKeyValueStore,
//!   ListKeys (at most 50 a page), UpdateKeys: at most 50 puts and deletes
//!   a call, all or nothing, over the store's current ETag (a stale one is
//!   a ConflictException); a key of at most 512 bytes, a value of 1 KB,
//!   5 MB in all.
//!
//! The state is shared by every relay of the test process.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde_json::{Value, json};

use crate::support::functions;
use crate::support::relay::{Message, Request};
use crate::support::text::between;

const CONTROL: &str = "/2020-05-31/key-value-store";
const DATA: &str = "/key-value-stores/";
const ACCOUNT: &str = "123456789012";
const MOST_KEYS_A_CALL: usize = 50;
const MOST_KEY_BYTES: usize = 512;
const MOST_VALUE_BYTES: usize = 1024;
const MOST_BYTES: usize = 5 * 1024 * 1024;

#[derive(Clone)]
struct Store {
    arn: String,
    id: String,
    etag: String,
    entries: BTreeMap<String, String>,
}

fn state() -> MutexGuard<'static, HashMap<String, Store>> {
    static STATE: OnceLock<Mutex<HashMap<String, Store>>> = OnceLock::new();
    STATE
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn new_etag() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("KV{}", NEXT.fetch_add(1, Ordering::SeqCst))
}

/// The entries of the store `name`, as the function would read them.
pub fn entries(name: &str) -> Option<BTreeMap<String, String>> {
    state().get(name).map(|s| s.entries.clone())
}

/// Whether a store named `name` exists.
pub fn exists(name: &str) -> bool {
    state().contains_key(name)
}

/// Removes the store `name`, as if it was never made.
pub fn forget(name: &str) {
    state().remove(name);
}

/// Changes the store `name` behind ssg's back (another writer): its ETag
/// moves on.
pub fn put_behind_the_back(name: &str, key: &str, value: &str) {
    if let Some(store) = state().get_mut(name) {
        store.entries.insert(key.into(), value.into());
        store.etag = new_etag();
    }
}

/// The answer to a KeyValueStore request; `None` for the rest.
pub fn answer(request: &Request) -> Option<Message> {
    if let Some(rest) = request.path.strip_prefix(CONTROL) {
        return Some(control(request, rest.trim_start_matches('/')));
    }
    let rest = request.path.strip_prefix(DATA)?;
    Some(data(request, &percent_decoded(rest)))
}

fn xml_error(status: &str, code: &str) -> Message {
    Message::reply(
        status,
        &[],
        &format!(
            "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{code}</Message></Error><RequestId>relay</RequestId></ErrorResponse>"
        ),
    )
}

fn described(name: &str, store: &Store) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><KeyValueStore xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Name>{name}</Name><Id>{}</Id><Comment>ssg</Comment><ARN>{}</ARN><Status>READY</Status><LastModifiedTime>2024-01-01T00:00:00Z</LastModifiedTime></KeyValueStore>",
        store.id, store.arn
    )
}

fn control(request: &Request, name: &str) -> Message {
    let mut stores = state();
    let body = String::from_utf8_lossy(&request.body);
    match (request.method.as_str(), name) {
        ("POST", "") => {
            let name = between(&body, "<Name>", "</Name>").unwrap_or_default();
            if stores.contains_key(name) {
                return xml_error("409 Conflict", "EntityAlreadyExists");
            }
            let id = format!("kvs-{}", new_etag().to_lowercase());
            let store = Store {
                arn: format!("arn:aws:cloudfront::{ACCOUNT}:key-value-store/{name}-{id}"),
                id,
                etag: new_etag(),
                entries: BTreeMap::new(),
            };
            let reply = Message::reply(
                "201 Created",
                &[
                    ("ETag", &store.etag),
                    ("Location", &format!("{CONTROL}/{name}")),
                ],
                &described(name, &store),
            );
            stores.insert(name.to_string(), store);
            reply
        }
        ("GET", _) => match stores.get(name) {
            Some(store) => {
                Message::reply("200 OK", &[("ETag", &store.etag)], &described(name, store))
            }
            None => xml_error("404 Not Found", "EntityNotFound"),
        },
        ("DELETE", _) => {
            let Some(store) = stores.get(name) else {
                return xml_error("404 Not Found", "EntityNotFound");
            };
            match request.header("if-match") {
                None => return xml_error("400 Bad Request", "InvalidIfMatchVersion"),
                Some(tag) if tag != store.etag => {
                    return xml_error("412 Precondition Failed", "PreconditionFailed");
                }
                Some(_) => {}
            }
            if functions::names_store(&store.arn) {
                return xml_error("409 Conflict", "CannotDeleteEntityWhileInUse");
            }
            stores.remove(name);
            Message::reply("204 No Content", &[], "")
        }
        _ => xml_error("400 Bad Request", "InvalidArgument"),
    }
}

fn json_reply(status: &str, etag: Option<&str>, body: &Value) -> Message {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\n");
    if let Some(tag) = etag {
        head.push_str(&format!("ETag: {tag}\r\n"));
    }
    head.push_str("\r\n");
    Message {
        head,
        body: body.to_string().into_bytes(),
    }
}

fn json_error(status: &str, kind: &str, message: &str) -> Message {
    let mut reply = json_reply(status, None, &json!({ "Message": message }));
    reply.head = reply
        .head
        .replace("\r\n\r\n", &format!("\r\nX-Amzn-ErrorType: {kind}\r\n\r\n"));
    reply
}

fn size(store: &Store) -> usize {
    store.entries.iter().map(|(k, v)| k.len() + v.len()).sum()
}

fn data(request: &Request, rest: &str) -> Message {
    let (arn, keys) = match rest.strip_suffix("/keys") {
        Some(arn) => (arn, true),
        None => (rest, false),
    };
    let mut stores = state();
    let Some(store) = stores.values_mut().find(|s| s.arn == arn) else {
        return json_error("404 Not Found", "ResourceNotFoundException", arn);
    };
    match (request.method.as_str(), keys) {
        ("GET", false) => json_reply(
            "200 OK",
            Some(&store.etag),
            &json!({"ItemCount": store.entries.len(), "TotalSizeInBytes": size(store),
                    "KvsARN": store.arn, "Created": 1_704_067_200, "Status": "READY"}),
        ),
        ("GET", true) => list(request, store),
        ("POST", true) => update(request, store),
        _ => json_error(
            "400 Bad Request",
            "ValidationException",
            "no such operation",
        ),
    }
}

fn query_value<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    (request.query.split('&')).find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
}

fn list(request: &Request, store: &Store) -> Message {
    let most: usize = query_value(request, "MaxResults")
        .and_then(|v| v.parse().ok())
        .unwrap_or(MOST_KEYS_A_CALL);
    if most > MOST_KEYS_A_CALL {
        return json_error(
            "400 Bad Request",
            "ValidationException",
            "MaxResults over 50",
        );
    }
    let from: usize = query_value(request, "NextToken")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let items: Vec<Value> = (store.entries.iter().skip(from).take(most))
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    let mut body = json!({ "Items": items });
    if from + most < store.entries.len() {
        body["NextToken"] = json!((from + most).to_string());
    }
    json_reply("200 OK", None, &body)
}

fn update(request: &Request, store: &mut Store) -> Message {
    match request.header("if-match") {
        None => return json_error("400 Bad Request", "ValidationException", "If-Match missing"),
        Some(tag) if tag != store.etag => {
            return json_error(
                "409 Conflict",
                "ConflictException",
                "the store changed since its ETag was read",
            );
        }
        Some(_) => {}
    }
    let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
    let puts = body["Puts"].as_array().cloned().unwrap_or_default();
    let deletes = body["Deletes"].as_array().cloned().unwrap_or_default();
    if puts.len() + deletes.len() > MOST_KEYS_A_CALL {
        return json_error(
            "400 Bad Request",
            "ValidationException",
            "over 50 keys in one call",
        );
    }
    let mut after = store.entries.clone();
    for put in &puts {
        let (key, value) = (
            put["Key"].as_str().unwrap_or(""),
            put["Value"].as_str().unwrap_or(""),
        );
        if key.is_empty() || key.len() > MOST_KEY_BYTES || value.len() > MOST_VALUE_BYTES {
            return json_error(
                "400 Bad Request",
                "ValidationException",
                "key or value too long",
            );
        }
        after.insert(key.to_string(), value.to_string());
    }
    for delete in &deletes {
        after.remove(delete["Key"].as_str().unwrap_or(""));
    }
    let updated = Store {
        entries: after,
        etag: new_etag(),
        ..store.clone()
    };
    if size(&updated) > MOST_BYTES {
        return json_error(
            "402 Payment Required",
            "ServiceQuotaExceededException",
            "over 5 MB",
        );
    }
    *store = updated;
    json_reply(
        "200 OK",
        Some(&store.etag),
        &json!({"ItemCount": store.entries.len(), "TotalSizeInBytes": size(store)}),
    )
}

/// A path segment as sent (the ARN is percent-encoded in it).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
