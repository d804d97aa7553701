//! A small ESMTP server for the tests, on 127.0.0.1:0: EHLO (STARTTLS and AUTH PLAIN/LOGIN
//! advertised), STARTTLS or TLS on connect with a self-signed certificate made by rcgen,
//! AUTH PLAIN and LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT. It records every message it
//! accepts. Replies to MAIL FROM and RCPT TO can be forced (451, 550…).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Advertise and accept STARTTLS.
    pub starttls: bool,
    /// TLS from the first byte (port-465 style) instead of STARTTLS.
    pub implicit_tls: bool,
    /// Require AUTH with this user and password before MAIL.
    pub credentials: Option<(String, String)>,
    /// The AUTH mechanisms advertised (default `PLAIN LOGIN`).
    pub auth_mechanisms: Option<String>,
    /// Reply to MAIL FROM with this line instead of 250 (e.g. `451 4.3.0 try later`).
    pub mail_reply: Option<String>,
    /// Close the connection without a word when DATA ends (a relay that crashed).
    pub hang_up_after_data: bool,
    /// Reply to RCPT TO with this line instead of 250 (e.g. `550 5.1.1 no such user`).
    pub rcpt_reply: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The DATA as sent, dot-unstuffed, CRLF line ends kept.
    pub data: String,
    pub over_tls: bool,
    pub authenticated_as: Option<String>,
}

pub struct TestSmtp {
    pub addr: SocketAddr,
    /// The server certificate (PEM): give it to the client as a root to trust.
    pub certificate_pem: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

struct State {
    options: Options,
    over_tls: bool,
    authenticated_as: Option<String>,
    received: Arc<Mutex<Vec<Received>>>,
}

enum Next {
    Closed,
    StartTls(Box<dyn Io>),
}

impl TestSmtp {
    pub async fn start(options: Options) -> TestSmtp {
        let (certificate_pem, acceptor) = super::tls::self_signed();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let received = Arc::new(Mutex::new(Vec::new()));
        let shared = received.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let acceptor = acceptor.clone();
                let options = options.clone();
                let received = shared.clone();
                tokio::spawn(async move {
                    let mut state = State {
                        over_tls: options.implicit_tls,
                        options,
                        authenticated_as: None,
                        received,
                    };
                    let mut stream: Box<dyn Io> = if state.options.implicit_tls {
                        match acceptor.accept(socket).await {
                            Ok(tls) => Box::new(tls),
                            Err(_) => return,
                        }
                    } else {
                        Box::new(socket)
                    };
                    let mut greet = true;
                    loop {
                        match session(stream, &mut state, greet).await {
                            Next::Closed => return,
                            Next::StartTls(plain) => {
                                match acceptor.accept(plain).await {
                                    Ok(tls) => stream = Box::new(tls),
                                    Err(_) => return,
                                }
                                state.over_tls = true;
                                // RFC 3207: forget everything said before the upgrade
                                state.authenticated_as = None;
                                greet = false;
                            }
                        }
                    }
                });
            }
        });
        TestSmtp {
            addr,
            certificate_pem,
            received,
            task,
        }
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn session(stream: Box<dyn Io>, state: &mut State, greet: bool) -> Next {
    let mut io = BufReader::new(stream);
    macro_rules! reply {
        ($($arg:tt)*) => {{
            let line = format!($($arg)*);
            if io.get_mut().write_all(format!("{line}\r\n").as_bytes()).await.is_err() {
                return Next::Closed;
            }
            let _ = io.get_mut().flush().await;
        }};
    }
    async fn read_line(io: &mut BufReader<Box<dyn Io>>) -> Option<String> {
        let mut line = String::new();
        match io.read_line(&mut line).await {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim_end_matches(['\r', '\n']).to_owned()),
        }
    }
    if greet {
        reply!("220 mail.test ESMTP tiendo-test");
    }
    let mut mail_from: Option<String> = None;
    let mut rcpt_to: Vec<String> = Vec::new();
    loop {
        let Some(line) = read_line(&mut io).await else {
            return Next::Closed;
        };
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or("").to_owned();
        match verb.as_str() {
            "EHLO" => {
                let mut lines = vec!["mail.test greets you".to_owned()];
                if state.options.starttls && !state.over_tls {
                    lines.push("STARTTLS".into());
                }
                if state.options.credentials.is_some()
                    && (state.over_tls || !state.options.starttls)
                {
                    let mechanisms = state.options.auth_mechanisms.as_deref();
                    lines.push(format!("AUTH {}", mechanisms.unwrap_or("PLAIN LOGIN")));
                }
                lines.push("8BITMIME".into());
                lines.push("HELP".into());
                let last = lines.len() - 1;
                for (i, l) in lines.iter().enumerate() {
                    let sep = if i == last { ' ' } else { '-' };
                    reply!("250{sep}{l}");
                }
            }
            "HELO" => reply!("250 mail.test"),
            "STARTTLS" if state.options.starttls && !state.over_tls => {
                reply!("220 2.0.0 Ready to start TLS");
                return Next::StartTls(io.into_inner());
            }
            "AUTH" => {
                let Some((user, pass)) = state.options.credentials.clone() else {
                    reply!("502 5.5.1 AUTH not available");
                    continue;
                };
                let words: Vec<&str> = line.split_whitespace().collect();
                let mechanism = words.get(1).map(|m| m.to_ascii_uppercase());
                let given = match mechanism.as_deref() {
                    Some("PLAIN") => {
                        let initial = match words.get(2) {
                            Some(i) => (*i).to_owned(),
                            None => {
                                reply!("334 ");
                                let Some(l) = read_line(&mut io).await else {
                                    return Next::Closed;
                                };
                                l
                            }
                        };
                        let decoded = B64.decode(initial.trim()).unwrap_or_default();
                        let parts: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
                        match parts.as_slice() {
                            [_authzid, u, p] => Some((
                                String::from_utf8_lossy(u).into_owned(),
                                String::from_utf8_lossy(p).into_owned(),
                            )),
                            _ => None,
                        }
                    }
                    Some("LOGIN") => {
                        let u = match words.get(2) {
                            Some(i) => (*i).to_owned(),
                            None => {
                                reply!("334 VXNlcm5hbWU6");
                                let Some(l) = read_line(&mut io).await else {
                                    return Next::Closed;
                                };
                                l
                            }
                        };
                        reply!("334 UGFzc3dvcmQ6");
                        let Some(p) = read_line(&mut io).await else {
                            return Next::Closed;
                        };
                        let d = |s: &str| {
                            String::from_utf8_lossy(&B64.decode(s.trim()).unwrap_or_default())
                                .into_owned()
                        };
                        Some((d(&u), d(&p)))
                    }
                    _ => {
                        reply!("504 5.5.4 mechanism not supported");
                        continue;
                    }
                };
                match given {
                    Some((u, p)) if u == user && p == pass => {
                        state.authenticated_as = Some(u);
                        reply!("235 2.7.0 Authentication successful");
                    }
                    _ => reply!("535 5.7.8 Authentication credentials invalid"),
                }
            }
            "MAIL" => {
                if state.options.credentials.is_some() && state.authenticated_as.is_none() {
                    reply!("530 5.7.0 Authentication required");
                } else if let Some(r) = &state.options.mail_reply {
                    reply!("{r}");
                } else {
                    mail_from = Some(angle(&line));
                    rcpt_to.clear();
                    reply!("250 2.1.0 OK");
                }
            }
            "RCPT" => {
                if mail_from.is_none() {
                    reply!("503 5.5.1 MAIL first");
                } else if let Some(r) = &state.options.rcpt_reply {
                    reply!("{r}");
                } else {
                    rcpt_to.push(angle(&line));
                    reply!("250 2.1.5 OK");
                }
            }
            "DATA" => {
                if rcpt_to.is_empty() {
                    reply!("503 5.5.1 RCPT first");
                    continue;
                }
                reply!("354 End data with <CR><LF>.<CR><LF>");
                let mut data = String::new();
                loop {
                    let Some(l) = read_line(&mut io).await else {
                        return Next::Closed;
                    };
                    if l == "." {
                        break;
                    }
                    let l = l.strip_prefix('.').unwrap_or(&l);
                    data.push_str(l);
                    data.push_str("\r\n");
                }
                if state.options.hang_up_after_data {
                    return Next::Closed;
                }
                state.received.lock().unwrap().push(Received {
                    mail_from: mail_from.take().unwrap_or_default(),
                    rcpt_to: std::mem::take(&mut rcpt_to),
                    data,
                    over_tls: state.over_tls,
                    authenticated_as: state.authenticated_as.clone(),
                });
                reply!("250 2.0.0 OK queued");
            }
            "RSET" => {
                mail_from = None;
                rcpt_to.clear();
                reply!("250 2.0.0 OK");
            }
            "NOOP" => reply!("250 2.0.0 OK"),
            "QUIT" => {
                reply!("221 2.0.0 Bye");
                return Next::Closed;
            }
            _ => reply!("502 5.5.2 Command not recognized"),
        }
    }
}

fn angle(line: &str) -> String {
    match (line.find('<'), line.rfind('>')) {
        (Some(a), Some(b)) if a < b => line[a + 1..b].to_owned(),
        _ => String::new(),
    }
}
