//! Notifications with the real binary (issue 13): `tiendo notify run` prints one
//! JSON object per notice, a dry run writes nothing, a second run sends nothing
//! again; `tiendo serve` runs the scheduler itself, and after `kill -9` and a
//! restart nothing is sent twice; `notify test-email` says what is missing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::Duration as Days;
use tiendo_core::time::today;

const BIN: &str = env!("CARGO_BIN_EXE_tiendo");
const PASSWORD: &str = "mật khẩu rất tốt";

fn tiendo(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(dir)
        .env_remove("DATABASE_URL")
        .env_remove("TIENDO_AS")
        .env_remove("TIENDO_SMTP_URL")
        .output()
        .expect("run tiendo")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// A data folder with one notice's worth of work: a task of Bộ Y tế due in 7
/// days and its focal point.
fn place() -> PathBuf {
    // Tests run in parallel threads of one process: a counter keeps their folders apart.
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "tiendo-e2e-notify-{}-{n}-{}",
        std::process::id(),
        tiendo_core::time::now_micros()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let due = today() + Days::days(7);
    let gold = dir.join("task.jsonl");
    std::fs::write(
        &gold,
        format!("{{\"ref\": \"1\", \"text\": \"Kết nối hồ sơ sức khỏe điện tử với VNeID\", \"lead\": [\"Bộ Y tế\"], \"coord\": [], \"deadline\": {{\"kind\": \"date\", \"due\": \"{due}\", \"raw\": \"\"}}}}\n"),
    )
    .unwrap();
    ok(tiendo(
        &dir,
        &[
            "import",
            gold.to_str().unwrap(),
            "--number",
            "77/TB-VPCP",
            "--date",
            "2025-11-16",
            "--title",
            "Kết luận",
        ],
    ));
    ok(tiendo(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "byt",
            "--password",
            PASSWORD,
            "--role",
            "focal",
            "--agency",
            "Bộ Y tế",
            "--email",
            "daumoi@moh.gov.vn",
        ],
    ));
    dir
}

#[test]
fn notify_run_prints_each_notice_once_and_a_dry_run_writes_nothing() {
    let dir = place();
    let day = today().to_string();
    let dry = json_lines(&ok(tiendo(
        &dir,
        &[
            "notify",
            "run",
            "--as-of",
            &day,
            "--dry-run",
            "--format",
            "json",
        ],
    )));
    let reminders: Vec<&serde_json::Value> = dry
        .iter()
        .filter(|n| n["kind"] == "before_deadline")
        .collect();
    assert_eq!(reminders.len(), 1, "{dry:?}");
    assert_eq!(
        reminders[0]["channel"], "in_app",
        "no mail server: the bell only"
    );
    assert_eq!(reminders[0]["recipient"], "byt");
    assert_eq!(reminders[0]["assignments"].as_array().unwrap().len(), 1);
    assert!(
        reminders[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("Nhắc hạn: 1 nhiệm vụ của Bộ Y tế"),
        "{}",
        reminders[0]
    );
    // Nothing was written: the same again.
    let again = json_lines(&ok(tiendo(
        &dir,
        &[
            "notify",
            "run",
            "--as-of",
            &day,
            "--dry-run",
            "--format",
            "json",
        ],
    )));
    assert_eq!(again, dry);

    let sent = json_lines(&ok(tiendo(
        &dir,
        &["notify", "run", "--as-of", &day, "--format", "json"],
    )));
    let reminder = sent
        .iter()
        .find(|n| n["kind"] == "before_deadline")
        .expect("sent");
    assert_eq!(
        (reminder["outcome"].as_str(), reminder["recipient"].as_str()),
        (Some("sent"), Some("byt")),
        "{sent:?}"
    );
    let twice = json_lines(&ok(tiendo(
        &dir,
        &["notify", "run", "--as-of", &day, "--format", "json"],
    )));
    assert!(twice.is_empty(), "nothing is sent twice: {twice:?}");

    let bad = tiendo(&dir, &["notify", "run", "--as-of", "31/02/2025"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--as-of"),
        "the bad option is named"
    );

    let mail = Command::new(BIN)
        .args(["notify", "test-email", "--to", "a@b.vn"])
        .env_remove("TIENDO_SMTP_URL")
        .output()
        .unwrap();
    assert!(!mail.status.success());
    assert!(
        String::from_utf8_lossy(&mail.stderr).contains("TIENDO_SMTP_URL"),
        "{}",
        String::from_utf8_lossy(&mail.stderr)
    );
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(dir: &Path, port: u16) -> Server {
    let child = Command::new(BIN)
        .args([
            "serve",
            "--no-demo",
            "--notify-every",
            "1",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--data",
        ])
        .arg(dir)
        .env_remove("DATABASE_URL")
        .env_remove("TIENDO_SMTP_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tiendo serve");
    Server(child)
}

fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    Some((
        status,
        text.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default(),
    ))
}

/// The focal point's notices, once the server answers and has them (or after 60 s).
fn notices_when(port: u16, want: usize) -> Vec<serde_json::Value> {
    let started = Instant::now();
    let login = format!("{{\"username\": \"byt\", \"password\": \"{PASSWORD}\"}}");
    loop {
        if let Some((200, body)) = http(port, "POST", "/api/v1/auth/login", None, &login) {
            let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
                .as_str()
                .unwrap()
                .to_string();
            if let Some((200, body)) = http(port, "GET", "/api/v1/notifications", Some(&token), "")
            {
                let items = serde_json::from_str::<serde_json::Value>(&body).unwrap()["items"]
                    .as_array()
                    .unwrap()
                    .clone();
                if items.len() >= want || started.elapsed() > Duration::from_secs(60) {
                    return items;
                }
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the server did not answer"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn the_server_runs_the_scheduler_and_a_kill_9_sends_nothing_twice() {
    let dir = place();
    let port = free_port();
    let mut server = serve(&dir, port);
    let first = notices_when(port, 1);
    let reminders = first
        .iter()
        .filter(|n| n["kind"] == "before_deadline")
        .count();
    assert_eq!(reminders, 1, "{first:?}");
    // kill -9, then a restart on the same database: the scheduler runs at once
    // and plans today again; the reminder is not made or sent a second time.
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let port = free_port();
    let _server = serve(&dir, port);
    let _ = notices_when(port, 0);
    std::thread::sleep(Duration::from_millis(3000));
    let after = notices_when(port, 1);
    assert_eq!(
        after
            .iter()
            .filter(|n| n["kind"] == "before_deadline")
            .count(),
        1,
        "{after:?}"
    );
}
