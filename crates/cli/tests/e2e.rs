//! The real binary on a fresh data folder: `tiendo serve` starts with the demo data,
//! `tiendo user add` creates a viewer, and the overdue report as of 16/07/2025 over
//! HTTP is the 33 rows of the 365/TB-VPCP appendix.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tiendo");

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request over a fresh connection; returns the status and body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.unwrap_or("");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_on_an_empty_folder_gives_the_365_appendix_as_of_16_07_2025() {
    let dir = std::env::temp_dir().join(format!("tiendo-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = free_port();
    let started = Instant::now();
    let server = Server(
        Command::new(BIN)
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--data",
                dir.to_str().unwrap(),
            ])
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tiendo serve"),
    );
    let mut up = false;
    while started.elapsed() < Duration::from_secs(60) {
        if let Ok((200, _)) = http(port, "GET", "/health", None, None) {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(up, "tiendo serve did not answer /health within 60 s");
    eprintln!(
        "tiendo serve with demo data answered in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let out = Command::new(BIN)
        .args([
            "user",
            "add",
            "--username",
            "lanhdao",
            "--password",
            "mật khẩu tốt",
            "--role",
            "viewer",
            "--data",
            dir.to_str().unwrap(),
        ])
        .env_remove("DATABASE_URL")
        .output()
        .expect("run tiendo user add");
    assert!(
        out.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (status, body) = http(
        port,
        "GET",
        "/api/v1/reports/overdue?as_of=2025-07-16",
        None,
        None,
    )
    .unwrap();
    assert_eq!(status, 401, "{body}");
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(r#"{"username":"lanhdao","password":"mật khẩu tốt"}"#),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = http(
        port,
        "GET",
        "/api/v1/reports/overdue?as_of=2025-07-16",
        Some(&token),
        None,
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 33);
    assert_eq!(rows[0]["source_document"], "Nghị quyết số 71/NQ-CP");
    assert_eq!(
        rows[0]["incomplete"],
        serde_json::json!(["Bộ Nông nghiệp và Môi trường"])
    );
    assert_eq!(rows[3]["incomplete"].as_array().unwrap().len(), 12);
    // A viewer writes nothing.
    let (status, _) = http(
        port,
        "POST",
        "/api/v1/documents",
        Some(&token),
        Some(r#"{"kind":"Thông báo","title":"x"}"#),
    )
    .unwrap();
    assert_eq!(status, 403);
    drop(server);

    // The terminal report says the same.
    let out = Command::new(BIN)
        .args([
            "status",
            "--as-of",
            "16/07/2025",
            "--data",
            dir.to_str().unwrap(),
        ])
        .env_remove("DATABASE_URL")
        .output()
        .expect("run tiendo status");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("DANH MỤC NHIỆM VỤ QUÁ HẠN tại ngày 16/07/2025 — 33 nhiệm vụ"),
        "{text}"
    );
    // Each task whole, as the appendix's cell (wrapped, never cut): row 1 and row
    // 12, whose cell runs over two lines of the notice.
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        joined.contains("1. Xây dựng và triển khai các ứng dụng trí tuệ nhân tạo (AI) hỗ trợ phân tích, cảnh báo thiên tai, ứng phó với biến đổi khí hậu và bảo vệ môi trường Văn bản giao:"),
        "{text}"
    );
    assert!(
        joined.contains("để thực hiện các nhiệm vụ chuyên sâu trong tháng 6/2025 Văn bản giao: Thông báo số 30-TB/TGV"),
        "{text}"
    );
    assert!(!text.contains('…'), "{text}");
    // A database that cannot be opened is a clear message, not a panic.
    let blocked = dir.join("tiendo.db").join("x");
    let out = Command::new(BIN)
        .args(["status", "--data", blocked.to_str().unwrap()])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot") && !err.contains("panicked"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn extract_prints_the_tasks_of_several_documents_as_a_json_array() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/corpus");
    let out = Command::new(BIN)
        .args([
            "extract",
            &format!("{corpus}/624-TB-VPCP_2025-11-16.txt"),
            &format!("{corpus}/365-TB-VPCP_2025-07-16.txt"),
            "--format",
            "json",
        ])
        .output()
        .expect("run tiendo extract");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let all = all.as_array().expect("an array, one object per file");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["document"]["number"], "624/TB-VPCP");
    assert_eq!(all[1]["document"]["number"], "365/TB-VPCP");
    let tasks = all[1]["tasks"].as_array().unwrap();
    assert!(
        tasks.iter().any(|t| t["ref"] == "PL.33"),
        "the appendix rows are read"
    );
    for t in tasks {
        for field in [
            "ref",
            "text",
            "lead",
            "coord",
            "deadline",
            "product",
            "span",
            "six_clear",
        ] {
            assert!(t.get(field).is_some(), "{field} in {t}");
        }
    }
    let table = Command::new(BIN)
        .args([
            "extract",
            &format!("{corpus}/624-TB-VPCP_2025-11-16.txt"),
            "--format",
            "table",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("Thanh tra Chính phủ"));
    let missing = Command::new(BIN)
        .args(["extract", "/nonexistent/file.pdf"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(!String::from_utf8_lossy(&missing.stderr).contains("panicked"));
}

/// Starts `tiendo serve` on `dir` with its log piped; returns the server and the
/// log lines up to the end of the first-run block (or the listening line when
/// there is none).
fn serve_with_log(dir: &std::path::Path, port: u16) -> (Server, Vec<String>) {
    use std::io::BufRead;
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--data",
            dir.to_str().unwrap(),
        ])
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tiendo serve");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let server = Server(child);
    let mut lines = Vec::new();
    let mut block = false;
    let deadline = Instant::now() + Duration::from_secs(60);
    while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        let listening = line.starts_with("tiendo listening");
        let rule_end = block && line.starts_with("────");
        block |= line.contains("first run");
        lines.push(line);
        if rule_end {
            break;
        }
        if listening {
            // The first-run block, if any, follows at once.
            if let Ok(next) = rx.recv_timeout(Duration::from_secs(2)) {
                block = true;
                lines.push(next);
                continue;
            }
            break;
        }
    }
    (server, lines)
}

#[test]
fn a_first_start_prints_demo_accounts_and_a_setup_link_that_work() {
    let dir = std::env::temp_dir().join(format!("tiendo-e2e-first-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = free_port();
    let (server, log) = serve_with_log(&dir, port);
    let password_of = |user: &str| {
        log.iter()
            .find(|l| l.trim_start().starts_with(user))
            .and_then(|l| l.split("password: ").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no password for {user} in the log:\n{}", log.join("\n")))
    };
    let viewer = password_of("demo.lanhdao");
    assert_eq!(viewer.chars().count(), 23);
    let link = log
        .iter()
        .find_map(|l| l.trim().strip_prefix(&format!("http://127.0.0.1:{port}")))
        .filter(|p| p.starts_with("/thiet-lap?ma="))
        .unwrap_or_else(|| panic!("no setup link in the log:\n{}", log.join("\n")))
        .to_string();

    // The printed password signs the demo leader in; the link opens the form.
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&format!(
            r#"{{"username":"demo.lanhdao","password":"{viewer}"}}"#
        )),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let (status, body) = http(port, "GET", &link, None, None).unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("name=\"password2\""));
    drop(server);

    // A second start: accounts exist, nothing is printed again, the old link is dead.
    let port = free_port();
    let (server, log) = serve_with_log(&dir, port);
    assert!(
        !log.iter()
            .any(|l| l.contains("password:") || l.contains("/thiet-lap")),
        "{}",
        log.join("\n")
    );
    let (status, _) = http(port, "GET", &link, None, None).unwrap();
    assert_eq!(status, 403);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_urging_writes_the_letter_and_records_it() {
    let dir = std::env::temp_dir().join(format!("tiendo-e2e-urging-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.to_str().unwrap().to_string();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .args(["--data", &data])
            .env_remove("DATABASE_URL")
            .output()
            .expect("run tiendo")
    };
    let out = run(&["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = dir.join("letter.docx");
    let file_arg = file.to_str().unwrap();
    // The agency named without accents, as the rest of the command line allows.
    let out = run(&[
        "report",
        "urging",
        "--as-of",
        "16/07/2025",
        "--agency",
        "bo khoa hoc va cong nghe",
        "--finish-by",
        "2025-08-01",
        "--format",
        "docx",
        "-o",
        file_arg,
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("letter issued; recorded in the history of"),
        "{err}"
    );
    let bytes = std::fs::read(&file).unwrap();
    let text = tiendo_extract::decode(std::path::Path::new("l.docx"), &bytes).unwrap();
    assert!(
        text.contains("Kính gửi: Bộ Khoa học và Công nghệ."),
        "{text}"
    );
    assert!(text.contains("trước ngày 01/08/2025"), "{text}");
    assert!(text.contains("Hà Nội, ngày 16 tháng 7 năm 2025"), "{text}");
    // A preview as PDF says it recorded nothing.
    let pdf = dir.join("letter.pdf");
    let out = run(&[
        "report",
        "urging",
        "--as-of",
        "2025-07-16",
        "--format",
        "pdf",
        "--preview",
        "--letter-issuer",
        "Bộ Khoa học và Công nghệ",
        "--letter-symbol",
        "BKHCN-VP",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("nothing recorded"), "{err}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // The letterhead given on the command line (TIENDO_LETTER_* alike).
    let text = tiendo_extract::decode(std::path::Path::new("l.pdf"), &bytes).unwrap();
    assert!(text.contains("BỘ KHOA HỌC VÀ CÔNG NGHỆ"), "{text}");
    assert!(text.contains("/BKHCN-VP"), "{text}");
    // An unknown agency is named in the error; nothing overdue is said plainly.
    let out = run(&[
        "report",
        "urging",
        "--agency",
        "Bộ Không Có",
        "--format",
        "docx",
        "-o",
        file_arg,
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("unknown agency 'Bộ Không Có'"), "{err}");
    let out = run(&[
        "report",
        "urging",
        "--as-of",
        "2020-01-01",
        "--format",
        "docx",
        "-o",
        file_arg,
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("không có nhiệm vụ quá hạn"), "{err}");
    // An XLSX letter is refused.
    let out = run(&["report", "urging", "--format", "xlsx", "-o", file_arg]);
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}
