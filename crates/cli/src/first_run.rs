//! What `serve` prints on a first run: the one-time link that makes the first
//! administrator, and the demo accounts with their passwords (shown only here).

use std::net::SocketAddr;

use tiendo_service::setup::DemoAccount;

/// Prints the first run's instructions to standard error (the server's log).
pub fn print(bound: SocketAddr, setup_secret: Option<&str>, demo: &[DemoAccount]) {
    if setup_secret.is_none() && demo.is_empty() {
        return;
    }
    let host = if bound.ip().is_unspecified() {
        format!("127.0.0.1:{}", bound.port())
    } else {
        bound.to_string()
    };
    eprintln!();
    eprintln!("── Lần chạy đầu / first run ──────────────────────────────────────────");
    if !demo.is_empty() {
        eprintln!(
            "Tài khoản dùng thử (mật khẩu chỉ in một lần) / demo accounts (passwords shown once):"
        );
        for a in demo {
            let agency = a.agency.map(|x| format!(", {x}")).unwrap_or_default();
            eprintln!(
                "  {:<15} mật khẩu / password: {}   ({}{agency})",
                a.username, a.password, a.role
            );
        }
        eprintln!("  Đăng nhập / sign in: http://{host}/dang-nhap");
    }
    if let Some(secret) = setup_secret {
        eprintln!(
            "Tạo tài khoản quản trị đầu tiên (dùng một lần) / make the first administrator (once):"
        );
        eprintln!("  http://{host}/thiet-lap?ma={secret}");
        eprintln!(
            "  (đường dẫn mới mỗi lần khởi động, hết hiệu lực khi đã dùng / a new link each start, spent once used)"
        );
    }
    eprintln!("──────────────────────────────────────────────────────────────────────");
    eprintln!();
}
