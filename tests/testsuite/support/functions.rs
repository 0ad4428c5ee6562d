//! CloudFront Functions as CloudFront runs them, answered by the relay in
//! moto's place. moto stores a function but has no PublishFunction or
//! UpdateFunction, keeps one stage (so a LIVE read finds an unpublished
//! function), takes any If-Match on a delete, and drops a distribution's
//! `FunctionAssociations`. Here, as CloudFront documents it: a function
//! has a DEVELOPMENT stage and, once published, a LIVE one; every write
//! names the current ETag; a cache behavior may name only a published
//! function; a function a distribution still names cannot be deleted.
//!
//! The state is shared by every relay of the test process, so a rerun
//! through a new relay finds what an earlier run made.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use base64::Engine as _;

use crate::support::key_value_stores;
use crate::support::relay::{Answer, Message, Request, Rules};
use crate::support::text::between;

const API: &str = "/2020-05-31/function";
const ACCOUNT: &str = "123456789012";

/// One function: its config as sent, its DEVELOPMENT code and ETag, and
/// its LIVE code once published.
#[derive(Clone)]
struct Function {
    config: String,
    code: Vec<u8>,
    etag: String,
    live: Option<Vec<u8>>,
}

#[derive(Default)]
struct State {
    functions: HashMap<String, Function>,
    /// Origin domain → the `<FunctionAssociations>` its distribution was sent.
    associations: HashMap<String, String>,
    /// Distribution id → its origin domain, from CloudFront's answers.
    origins: HashMap<String, String>,
}

fn state() -> MutexGuard<'static, State> {
    static STATE: OnceLock<Mutex<State>> = OnceLock::new();
    STATE
        .get_or_init(|| Mutex::new(State::default()))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn new_etag() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("ETVPDKIKX0DER{}", NEXT.fetch_add(1, Ordering::SeqCst))
}

/// Relay rules that answer CloudFront Functions and keep a distribution's
/// associations as CloudFront does, then give `answer` its turn.
pub fn rules(answer: Option<Answer>) -> Rules {
    Rules {
        on_request: Some(remember_association),
        answer: Some(Box::new(move |request: &Request| {
            self::answer(request).or_else(|| answer.as_ref().and_then(|a| a(request)))
        })),
        on_response: Some(restored),
        ..Rules::default()
    }
}

/// The answer with the associations moto dropped put back.
pub fn restored(response: Message) -> Message {
    let body = String::from_utf8_lossy(&response.body);
    if !body.contains("<DefaultCacheBehavior>") {
        return response;
    }
    let body = restore_association(body.into_owned());
    Message {
        head: response.head,
        body: body.into_bytes(),
    }
}

/// The LIVE code of the function `name`, as CloudFront would run it.
pub fn live_code(name: &str) -> Option<String> {
    let state = state();
    let live = state.functions.get(name)?.live.as_ref()?;
    Some(String::from_utf8_lossy(live).into_owned())
}

/// The config of the function `name`, as ssg last sent it.
pub fn live_config(name: &str) -> Option<String> {
    state().functions.get(name).map(|f| f.config.clone())
}

/// The function `name` as an ssg from before KeyValueStores left it: its
/// config names no store.
pub fn forget_store(name: &str) {
    if let Some(function) = state().functions.get_mut(name)
        && let Some(named) = between(
            &function.config,
            "<KeyValueStoreAssociations>",
            "</KeyValueStoreAssociations>",
        )
    {
        let whole = format!("<KeyValueStoreAssociations>{named}</KeyValueStoreAssociations>");
        function.config = function.config.replace(&whole, "");
    }
}

/// Whether a function's config names the KeyValueStore `arn`.
pub fn names_store(arn: &str) -> bool {
    let named = format!("<KeyValueStoreARN>{arn}</KeyValueStoreARN>");
    state()
        .functions
        .values()
        .any(|f| f.config.contains(&named))
}

/// Whether the function `name` exists (in any stage).
pub fn exists(name: &str) -> bool {
    state().functions.contains_key(name)
}

fn arn(name: &str) -> String {
    format!("arn:aws:cloudfront::{ACCOUNT}:function/{name}")
}

fn error(status: &str, code: &str, message: &str) -> Message {
    Message::reply(
        status,
        &[],
        &format!(
            "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>relay</RequestId></ErrorResponse>"
        ),
    )
}

fn summary(name: &str, function: &Function, stage: &str) -> String {
    let status = if function.live.is_some() {
        "UNASSOCIATED"
    } else {
        "UNPUBLISHED"
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><FunctionSummary xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Name>{name}</Name><Status>{status}</Status><FunctionConfig>{}</FunctionConfig><FunctionMetadata><FunctionARN>{}</FunctionARN><Stage>{stage}</Stage><CreatedTime>2024-01-01T00:00:00Z</CreatedTime><LastModifiedTime>2024-01-01T00:00:00Z</LastModifiedTime></FunctionMetadata></FunctionSummary>",
        function.config,
        arn(name)
    )
}

/// The answer to a request for a CloudFront Function, or to a
/// distribution write naming an unpublished one; `None` for the rest.
pub fn answer(request: &Request) -> Option<Message> {
    if let Some(reply) = key_value_stores::answer(request) {
        return Some(reply);
    }
    let path = request.path.as_str();
    if path.starts_with("/2020-05-31/distribution") && request.changes() {
        return unpublished_association(request);
    }
    let rest = path.strip_prefix(API)?;
    let live = request.query.contains("Stage=LIVE");
    let body = String::from_utf8_lossy(&request.body).into_owned();
    let mut state = state();
    if rest.is_empty() && request.method == "POST" {
        return Some(create(&mut state, &body));
    }
    let rest = rest.strip_prefix('/')?;
    let (name, action) = rest.split_once('/').unwrap_or((rest, ""));
    let Some(function) = state.functions.get(name).cloned() else {
        return Some(no_such(name));
    };
    let if_match = request.header("if-match");
    let stale = |needed: bool| match if_match {
        None if needed => Some(error(
            "400 Bad Request",
            "InvalidIfMatchVersion",
            "The If-Match version is missing or not valid.",
        )),
        Some(tag) if tag != function.etag => Some(error(
            "412 Precondition Failed",
            "PreconditionFailed",
            "The precondition in one or more of the request fields evaluated to false.",
        )),
        _ => None,
    };
    match (request.method.as_str(), action) {
        ("GET", "describe") => Some(match (live, &function.live) {
            (true, None) => no_such(name),
            _ => Message::reply(
                "200 OK",
                &[("ETag", &function.etag)],
                &summary(name, &function, if live { "LIVE" } else { "DEVELOPMENT" }),
            ),
        }),
        ("GET", "") => Some(match (live, &function.live) {
            (true, None) => no_such(name),
            (true, Some(code)) => code_reply(&function.etag, code),
            (false, _) => code_reply(&function.etag, &function.code),
        }),
        ("PUT", "") => Some(stale(true).unwrap_or_else(|| {
            let updated = Function {
                config: between(&body, "<FunctionConfig>", "</FunctionConfig>")
                    .unwrap_or(&function.config)
                    .to_string(),
                code: decoded_code(&body),
                etag: new_etag(),
                live: function.live.clone(),
            };
            // UpdateFunction's answer names its ETag header `ETtag`, as
            // CloudFront's API reference (and so the SDK) spells it.
            let reply = Message::reply(
                "200 OK",
                &[("ETtag", &updated.etag)],
                &summary(name, &updated, "DEVELOPMENT"),
            );
            state.functions.insert(name.to_string(), updated);
            reply
        })),
        ("POST", "publish") => Some(stale(true).unwrap_or_else(|| {
            let mut published = function.clone();
            published.live = Some(function.code.clone());
            let reply = Message::reply("200 OK", &[], &summary(name, &published, "LIVE"));
            state.functions.insert(name.to_string(), published);
            reply
        })),
        ("DELETE", "") => Some(stale(true).unwrap_or_else(|| {
            if state
                .associations
                .values()
                .any(|a| a.contains(&format!("<FunctionARN>{}</FunctionARN>", arn(name))))
            {
                return error(
                    "409 Conflict",
                    "FunctionInUse",
                    "Cannot delete function, it's still associated with one or more cache behaviors.",
                );
            }
            state.functions.remove(name);
            Message::reply("204 No Content", &[], "")
        })),
        _ => None,
    }
}

fn no_such(name: &str) -> Message {
    error(
        "404 Not Found",
        "NoSuchFunctionExists",
        &format!("The function {name} does not exist."),
    )
}

fn code_reply(etag: &str, code: &[u8]) -> Message {
    let mut reply = Message::reply("200 OK", &[("ETag", etag)], "");
    reply.head = reply.head.replace(
        "\r\n\r\n",
        "\r\nContent-Type: application/octet-stream\r\n\r\n",
    );
    reply.body = code.to_vec();
    reply
}

fn decoded_code(body: &str) -> Vec<u8> {
    let encoded = between(body, "<FunctionCode>", "</FunctionCode>").unwrap_or("");
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap_or_default()
}

fn create(state: &mut State, body: &str) -> Message {
    let name = between(body, "<Name>", "</Name>").unwrap_or("").to_string();
    if state.functions.contains_key(&name) {
        return error(
            "409 Conflict",
            "FunctionAlreadyExists",
            &format!("Already exists: {name}"),
        );
    }
    let function = Function {
        config: between(body, "<FunctionConfig>", "</FunctionConfig>")
            .unwrap_or("")
            .to_string(),
        code: decoded_code(body),
        etag: new_etag(),
        live: None,
    };
    let location = format!("https://cloudfront.amazonaws.com{API}/{name}");
    let reply = Message::reply(
        "201 Created",
        &[("ETag", &function.etag), ("Location", &location)],
        &summary(&name, &function, "DEVELOPMENT"),
    );
    state.functions.insert(name, function);
    reply
}

/// CloudFront refuses a cache behavior naming a function with no LIVE stage.
fn unpublished_association(request: &Request) -> Option<Message> {
    let body = String::from_utf8_lossy(&request.body);
    let arn = between(&body, "<FunctionARN>", "</FunctionARN>")?;
    let name = arn.rsplit('/').next().unwrap_or(arn);
    let state = state();
    let published = state.functions.get(name).is_some_and(|f| f.live.is_some());
    (!published).then(|| {
        error(
            "400 Bad Request",
            "InvalidFunctionAssociation",
            &format!("The function {arn} is not published."),
        )
    })
}

/// Notes the `<FunctionAssociations>` a distribution write sends (keyed
/// by its first origin's domain), and forgets those of a deleted one.
pub fn remember_association(message: &mut Message) {
    let line = message.head.lines().next().unwrap_or("");
    let mut parts = line.split(' ');
    let method = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("").split('?').next().unwrap_or("");
    if !path.starts_with("/2020-05-31/distribution") {
        return;
    }
    let mut state = state();
    if method == "DELETE"
        && let Some(id) = path.strip_prefix("/2020-05-31/distribution/")
    {
        if let Some(origin) = state.origins.remove(id) {
            state.associations.remove(&origin);
        }
        return;
    }
    let body = String::from_utf8_lossy(&message.body);
    let Some(behavior) = between(&body, "<DefaultCacheBehavior>", "</DefaultCacheBehavior>") else {
        return;
    };
    let Some(origin) = first_origin(&body) else {
        return;
    };
    match between(
        behavior,
        "<FunctionAssociations>",
        "</FunctionAssociations>",
    ) {
        Some(sent) => state.associations.insert(origin, sent.to_string()),
        None => state.associations.remove(&origin),
    };
}

fn first_origin(body: &str) -> Option<String> {
    let origin = between(body, "<Origin>", "</Origin>")?;
    between(origin, "<DomainName>", "</DomainName>").map(String::from)
}

/// Puts the associations moto dropped back into a distribution's config
/// as CloudFront returns it, and notes which distribution has which origin.
pub fn restore_association(body: String) -> String {
    let Some(origin) = first_origin(&body) else {
        return body;
    };
    let mut state = state();
    // A distribution's answer opens with its id; a config's has none.
    let is_distribution = body.contains("<Distribution>") || body.contains("<Distribution xmlns");
    if let Some(id) = between(&body, "<Id>", "</Id>").filter(|_| is_distribution) {
        state.origins.insert(id.to_string(), origin.clone());
    }
    let Some(sent) = state.associations.get(&origin) else {
        return body;
    };
    let Some(behavior) = between(&body, "<DefaultCacheBehavior>", "</DefaultCacheBehavior>") else {
        return body;
    };
    let restored = match between(
        behavior,
        "<FunctionAssociations>",
        "</FunctionAssociations>",
    ) {
        Some(dropped) => behavior.replacen(
            &format!("<FunctionAssociations>{dropped}</FunctionAssociations>"),
            &format!("<FunctionAssociations>{sent}</FunctionAssociations>"),
            1,
        ),
        None => format!("{behavior}<FunctionAssociations>{sent}</FunctionAssociations>"),
    };
    body.replacen(behavior, &restored, 1)
}
