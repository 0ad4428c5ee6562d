//! moto's server, which speaks S3, CloudFront, ACM, Route 53, IAM and STS
//! over real HTTP, for the publish and provision suites; and AWS SDK
//! clients pointed at it, to set up and read back what ssg did.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, SharedCredentialsProvider};

/// The moto server the suites share: `SSG_TEST_MOTO` (scripts/test.sh
/// starts it with `MOTO_ACM_VALIDATION_WAIT=0`), or one started here the
/// same way and kept for the whole test run.
pub fn moto() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Some(url) = std::env::var("SSG_TEST_MOTO")
            .ok()
            .filter(|u| !u.is_empty())
        {
            return url;
        }
        let server = start_moto(0);
        let url = server.url.clone();
        // A server kept in a static gets no destructor; its watchdog shell
        // stops it once this process is gone.
        std::mem::forget(server);
        url
    })
}

/// A name no other test in the shared moto uses (buckets, zones and the
/// like live for the whole run, beside every other test's).
pub fn unique_name(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A moto server this test process started; stopped when dropped (even
/// when the test panics).
pub struct Moto {
    pub url: String,
    child: Child,
}

impl Drop for Moto {
    fn drop(&mut self) {
        // SIGTERM, which the watchdog shell passes on to the server
        // (SIGKILL would end the shell alone; the server would stop
        // only once this process is gone).
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Starts the project's moto server (`.venv`, installed by scripts/test.sh)
/// on a free port of 127.0.0.1, its certificates validated after
/// `acm_wait` seconds, and waits until it answers. It runs under a shell
/// that stops it once this test process is gone: one left to a 30-minute
/// `timeout` outlived `cargo test` by that much.
pub fn start_moto(acm_wait: u32) -> Moto {
    let server = format!("{}/.venv/bin/moto_server", env!("CARGO_MANIFEST_DIR"));
    assert!(
        Path::new(&server).exists(),
        "moto is not installed: run scripts/test.sh (it installs moto[server] into .venv)"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    const WATCHDOG: &str = r#"
        trap 'kill "$server" 2>/dev/null; exit 0' TERM INT
        "$0" -H 127.0.0.1 -p "$1" &
        server=$!
        while kill -0 "$2" 2>/dev/null && kill -0 "$server" 2>/dev/null; do
            sleep 1 & wait $!
        done
        kill "$server" 2>/dev/null
    "#;
    let child = Command::new("sh")
        .args(["-c", WATCHDOG, &server, &port.to_string()])
        .arg(std::process::id().to_string())
        .env("MOTO_ACM_VALIDATION_WAIT", acm_wait.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto {
        url: format!("http://127.0.0.1:{port}"),
        child,
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs one SDK call to its end.
pub fn block<F: std::future::Future>(f: F) -> F::Output {
    runtime().block_on(f)
}

/// moto's test credentials (any key works; moto's account is 123456789012).
pub fn test_credentials() -> Credentials {
    Credentials::new("testing", "testing", None, None, "tests")
}

/// The SDK's settings for the moto at `url`, with [`test_credentials`].
pub fn sdk_config(url: &str) -> aws_config::SdkConfig {
    sdk_config_as(url, test_credentials())
}

pub fn sdk_config_as(url: &str, credentials: Credentials) -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .endpoint_url(url)
        .build()
}

/// S3 at the shared moto, as the holder of `credentials`.
pub fn s3_as(credentials: Credentials) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(&sdk_config_as(moto(), credentials))
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

pub fn s3() -> aws_sdk_s3::Client {
    s3_as(test_credentials())
}

pub fn cloudfront_at(url: &str) -> aws_sdk_cloudfront::Client {
    aws_sdk_cloudfront::Client::new(&sdk_config(url))
}

pub fn cloudfront() -> aws_sdk_cloudfront::Client {
    cloudfront_at(moto())
}

pub fn acm() -> aws_sdk_acm::Client {
    aws_sdk_acm::Client::new(&sdk_config(moto()))
}

pub fn route53() -> aws_sdk_route53::Client {
    aws_sdk_route53::Client::new(&sdk_config(moto()))
}

pub fn iam() -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&sdk_config(moto()))
}
