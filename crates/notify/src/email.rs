//! Email over SMTP (lettre, async on tokio, rustls with ring).
//!
//! Settings come from the environment (see [`SmtpSettings::from_env`]):
//!
//! | variable | required | meaning |
//! | --- | --- | --- |
//! | `TIENDO_SMTP_URL` | yes | `smtp://[user[:password]@]host[:port][?tls=starttls\|none][&timeout=SECONDS]` or `smtps://…` (TLS on connect) |
//! | `TIENDO_SMTP_FROM` | yes | the sender, `Tiến Độ <tiendo@example.gov.vn>` or a bare address |
//! | `TIENDO_SMTP_PASSWORD` | no | the password, overriding the one in the URL (keeps it out of the URL) |
//! | `TIENDO_SMTP_CA_FILE` | no | a PEM file of extra root certificates, for a relay with a private CA |
//!
//! `smtp://` uses STARTTLS (required: no fallback to plain text) on port 587 by default;
//! `?tls=none` sends in plain text (a local relay only) on port 25 by default; `smtps://`
//! speaks TLS from the first byte on port 465 by default. User and password are
//! percent-decoded (`%40` for `@`). The timeout (default 30 s) applies to each SMTP step.

use std::fmt;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::error::{DeliveryError, FailureKind};

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain text: only for a relay on the same host or a trusted network (port 25).
    None,
    /// Plain connection upgraded with STARTTLS before anything else is said (port 587);
    /// the upgrade is required, never skipped.
    StartTls,
    /// TLS from the first byte, "SMTPS" (port 465).
    Tls,
}

impl Security {
    pub fn default_port(self) -> u16 {
        match self {
            Security::None => 25,
            Security::StartTls => 587,
            Security::Tls => 465,
        }
    }
}

/// Where and how to hand mail over. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The `From:` mailbox, `Name <address>` or a bare address.
    pub from: String,
    /// Time allowed for each step of the SMTP conversation.
    pub timeout: Duration,
    /// Extra root certificates (PEM, one or more) trusted besides the public web roots:
    /// a relay whose certificate is issued by a private CA.
    pub root_certificates_pem: Option<String>,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .field(
                "root_certificates_pem",
                &self.root_certificates_pem.as_ref().map(|_| "<pem>"),
            )
            .finish()
    }
}

/// A setting that cannot be used: which variable, which part of it, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: the {part} is wrong: {reason}")]
pub struct SettingsError {
    /// The environment variable (or `TIENDO_SMTP_URL` for [`SmtpSettings::from_url`]).
    pub variable: &'static str,
    /// `scheme`, `user`, `password`, `host`, `port`, `tls`, `timeout`, `query`, `address`, `file`, …
    pub part: &'static str,
    pub reason: String,
}

const URL_VAR: &str = "TIENDO_SMTP_URL";
const FROM_VAR: &str = "TIENDO_SMTP_FROM";
const PASSWORD_VAR: &str = "TIENDO_SMTP_PASSWORD";
const CA_FILE_VAR: &str = "TIENDO_SMTP_CA_FILE";

/// The per-step timeout when the URL gives none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

fn bad(variable: &'static str, part: &'static str, reason: impl Into<String>) -> SettingsError {
    SettingsError {
        variable,
        part,
        reason: reason.into(),
    }
}

impl SmtpSettings {
    /// Reads `TIENDO_SMTP_URL`, `TIENDO_SMTP_FROM`, and optionally `TIENDO_SMTP_PASSWORD`
    /// and `TIENDO_SMTP_CA_FILE` (see the module docs). `Ok(None)` when
    /// `TIENDO_SMTP_URL` is unset: email is not configured.
    pub fn from_env() -> Result<Option<Self>, SettingsError> {
        Self::from_vars(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// [`SmtpSettings::from_env`] over any source of variables (tests, a config file).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, SettingsError> {
        let Some(url) = get(URL_VAR) else {
            return Ok(None);
        };
        let from = get(FROM_VAR).ok_or_else(|| {
            bad(
                FROM_VAR,
                "address",
                "not set (the sender, e.g. `Tiến Độ <tiendo@example.gov.vn>`)",
            )
        })?;
        let mut settings = Self::from_url(&url, &from)?;
        if let Some(password) = get(PASSWORD_VAR) {
            if settings.username.is_none() {
                return Err(bad(
                    PASSWORD_VAR,
                    "password",
                    "given but TIENDO_SMTP_URL names no user",
                ));
            }
            settings.password = Some(password);
        }
        if let Some(path) = get(CA_FILE_VAR) {
            let pem = std::fs::read_to_string(&path)
                .map_err(|e| bad(CA_FILE_VAR, "file", format!("cannot read {path}: {e}")))?;
            if Certificate::from_pem(pem.as_bytes()).is_err() || !pem.contains("-----BEGIN") {
                return Err(bad(
                    CA_FILE_VAR,
                    "file",
                    format!("{path} holds no PEM certificate"),
                ));
            }
            settings.root_certificates_pem = Some(pem);
        }
        Ok(Some(settings))
    }

    /// Parses `smtp://[user[:password]@]host[:port][?tls=starttls|none][&timeout=SECONDS]`
    /// or `smtps://…`, with `from` as the sender.
    pub fn from_url(url: &str, from: &str) -> Result<Self, SettingsError> {
        let url = url.trim();
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad(URL_VAR, "scheme", "missing: write smtp://… or smtps://…"))?;
        let mut security = match scheme.to_ascii_lowercase().as_str() {
            "smtp" => Security::StartTls,
            "smtps" => Security::Tls,
            other => {
                return Err(bad(
                    URL_VAR,
                    "scheme",
                    format!("`{other}` is not smtp or smtps"),
                ));
            }
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('/') {
            return Err(bad(URL_VAR, "path", "an SMTP URL has no path"));
        }
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (username, password) = match userinfo {
            None => (None, None),
            Some(info) => {
                let (user, pass) = match info.split_once(':') {
                    Some((u, p)) => (u, Some(p)),
                    None => (info, None),
                };
                let user = percent_decode(user)
                    .map_err(|reason| bad(URL_VAR, "user", reason))?
                    .filter_empty()
                    .ok_or_else(|| bad(URL_VAR, "user", "empty before `@`"))?;
                let pass = match pass {
                    Some(p) => {
                        Some(percent_decode(p).map_err(|reason| bad(URL_VAR, "password", reason))?)
                    }
                    None => None,
                };
                (Some(user), pass)
            }
        };
        let (host, port) = split_host_port(hostport)?;
        let mut timeout = DEFAULT_TIMEOUT;
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "tls" => {
                    security = match (scheme.to_ascii_lowercase().as_str(), value) {
                        ("smtp", "starttls" | "required") => Security::StartTls,
                        ("smtp", "none") => Security::None,
                        ("smtps", "tls" | "wrapper") => Security::Tls,
                        ("smtps", _) => {
                            return Err(bad(
                                URL_VAR,
                                "tls",
                                format!("`{value}`: smtps:// always speaks TLS on connect"),
                            ));
                        }
                        _ => {
                            return Err(bad(
                                URL_VAR,
                                "tls",
                                format!("`{value}` is not starttls or none"),
                            ));
                        }
                    }
                }
                "timeout" => {
                    let secs: u64 = value
                        .strip_suffix('s')
                        .unwrap_or(value)
                        .parse()
                        .ok()
                        .filter(|s| *s > 0 && *s <= 3600)
                        .ok_or_else(|| {
                            bad(
                                URL_VAR,
                                "timeout",
                                format!("`{value}` is not a number of seconds from 1 to 3600"),
                            )
                        })?;
                    timeout = Duration::from_secs(secs);
                }
                other => {
                    return Err(bad(
                        URL_VAR,
                        "query",
                        format!("unknown parameter `{other}` (known: tls, timeout)"),
                    ));
                }
            }
        }
        from.parse::<Mailbox>()
            .map_err(|e| bad(FROM_VAR, "address", format!("`{from}`: {e}")))?;
        Ok(SmtpSettings {
            host,
            port: port.unwrap_or(security.default_port()),
            security,
            username,
            password,
            from: from.trim().to_owned(),
            timeout,
            root_certificates_pem: None,
        })
    }
}

trait FilterEmpty: Sized {
    fn filter_empty(self) -> Option<Self>;
}

impl FilterEmpty for String {
    fn filter_empty(self) -> Option<Self> {
        (!self.is_empty()).then_some(self)
    }
}

fn split_host_port(hostport: &str) -> Result<(String, Option<u16>), SettingsError> {
    let (host, port) = if let Some(after) = hostport.strip_prefix('[') {
        // [IPv6]:port
        let (h, tail) = after
            .split_once(']')
            .ok_or_else(|| bad(URL_VAR, "host", "`[` without `]`"))?;
        let port = match tail {
            "" => None,
            t => Some(
                t.strip_prefix(':')
                    .ok_or_else(|| bad(URL_VAR, "port", format!("`{t}` after the host")))?,
            ),
        };
        (h, port)
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return Err(bad(URL_VAR, "host", "empty"));
    }
    if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
    {
        return Err(bad(
            URL_VAR,
            "host",
            format!("`{host}` is not a host name or address"),
        ));
    }
    let port = match port {
        None => None,
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad(URL_VAR, "port", format!("`{p}` is not a port (1–65535)")))?,
        ),
    };
    Ok((host.to_owned(), port))
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent-escape at character {}", i + 1))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "percent-escapes do not decode to UTF-8".to_owned())
}

/// One notice by email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The recipient's address.
    pub to: String,
    /// The recipient's name, shown as `Name <address>`.
    pub to_name: Option<String>,
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// Stable id of this notice (e.g. the outbox row): the same on every resend, so a
    /// notice re-sent after a crash is recognisable as the same message. See
    /// [`message_id_header`].
    pub message_id: String,
    /// The page the notice is about; appended to the text and HTML parts (before
    /// `</body>` in a whole document) when they do not already contain it.
    pub link: String,
}

/// The `Message-ID` header made from `id` and the sender's address: `id` as it is when it
/// already has the form `<left@right>`, else `<id@sender-domain>`, with characters not
/// allowed in a message id replaced by `.`.
pub fn message_id_header(id: &str, from: &str) -> String {
    let id = id.trim();
    if id.starts_with('<') && id.ends_with('>') && id.contains('@') {
        return id.to_owned();
    }
    let domain = from
        .parse::<Mailbox>()
        .map(|m| m.email.domain().to_owned())
        .unwrap_or_else(|_| "tiendo.invalid".to_owned());
    let left: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c) {
                c
            } else {
                '.'
            }
        })
        .collect();
    let left = if left.is_empty() { "notice" } else { &left };
    format!("<{left}@{domain}>")
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The text and HTML parts with `link` added where they lack it: at the end of the text,
/// and in its own paragraph before `</body>` (or at the end of a fragment) of the HTML.
fn with_link(text: &str, html: &str, link: &str) -> (String, String) {
    let link = link.trim();
    let mut text = text.to_owned();
    let mut html = html.to_owned();
    if link.is_empty() {
        return (text, html);
    }
    if !text.contains(link) {
        text = format!("{}\n\n{link}\n", text.trim_end());
    }
    let href = escape_html(link);
    if !html.contains(link) && !html.contains(&href) {
        let paragraph = format!("<p><a href=\"{href}\">{href}</a></p>\n");
        match html.to_ascii_lowercase().rfind("</body>") {
            Some(at) => html.insert_str(at, &paragraph),
            None => html = format!("{}\n{paragraph}", html.trim_end()),
        }
    }
    (text, html)
}

/// Builds the message: `From`, `To`, the UTF-8 subject (RFC 2047 encoded), `Date`,
/// `Message-ID`, and a multipart/alternative body with text/plain then text/html.
fn build_message(settings: &SmtpSettings, email: &Email) -> Result<Message, DeliveryError> {
    let from: Mailbox = settings.from.parse().map_err(|e| {
        DeliveryError::permanent(format!("sender `{}` is not a mailbox: {e}", settings.from))
    })?;
    let address: Address = email.to.trim().parse().map_err(|e| {
        DeliveryError::permanent(format!("recipient `{}` is not an address: {e}", email.to))
    })?;
    let to = Mailbox::new(email.to_name.clone(), address);
    let (text, html) = with_link(&email.text, &email.html, &email.link);
    Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        .date_now()
        .message_id(Some(message_id_header(&email.message_id, &settings.from)))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )
        .map_err(|e| DeliveryError::permanent(format!("message cannot be built: {e}")))
}

fn transport(settings: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, DeliveryError> {
    let tls_parameters = || -> Result<TlsParameters, DeliveryError> {
        let mut builder = TlsParameters::builder(settings.host.clone());
        if let Some(pem) = &settings.root_certificates_pem {
            let cert = Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                DeliveryError::permanent(format!("root certificate PEM unusable: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        builder
            .build_rustls()
            .map_err(|e| DeliveryError::permanent(format!("TLS settings unusable: {e}")))
    };
    let tls = match settings.security {
        Security::None => Tls::None,
        Security::StartTls => Tls::Required(tls_parameters()?),
        Security::Tls => Tls::Wrapper(tls_parameters()?),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
        .port(settings.port)
        .tls(tls)
        .timeout(Some(settings.timeout));
    if let Some(user) = &settings.username {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            settings.password.clone().unwrap_or_default(),
        ));
    }
    Ok(builder.build())
}

fn classify(e: &lettre::transport::smtp::Error) -> DeliveryError {
    let code = e.status().map(u16::from);
    let kind = if e.is_permanent() || e.is_client() {
        // 5xx (refused recipient, failed authentication…) or a relay that cannot do what
        // the settings require (no STARTTLS, no usable AUTH mechanism): retrying will not
        // help until someone changes something.
        FailureKind::Permanent
    } else {
        // 4xx, connection refused, timeout, TLS handshake, a garbled reply.
        FailureKind::Transient
    };
    DeliveryError {
        kind,
        message: format!("SMTP: {e}"),
        code,
        body_excerpt: None,
    }
}

/// Sends `email` through the relay in `settings`. `Ok` means the relay accepted the
/// message (250 after DATA); the error says whether a retry may help.
pub async fn send_email(settings: &SmtpSettings, email: &Email) -> Result<(), DeliveryError> {
    let message = build_message(settings, email)?;
    let transport = transport(settings)?;
    match transport.send(message).await {
        Ok(response) => {
            tracing::debug!(
                host = %settings.host,
                message_id = %email.message_id,
                code = %response.code(),
                "email accepted by the relay"
            );
            Ok(())
        }
        Err(e) => {
            let error = classify(&e);
            tracing::debug!(host = %settings.host, message_id = %email.message_id, %error, "email not sent");
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: &str = "Hệ thống theo dõi <tiendo@chinhphu.vn>";

    fn parse(url: &str) -> Result<SmtpSettings, SettingsError> {
        SmtpSettings::from_url(url, FROM)
    }

    fn part_of(url: &str) -> &'static str {
        parse(url).expect_err(url).part
    }

    #[test]
    fn a_full_url() {
        let s = parse(
            "smtp://tiendo%40chinhphu.vn:p%3Ass@mail.chinhphu.vn:2525?tls=starttls&timeout=10",
        )
        .unwrap();
        assert_eq!(s.host, "mail.chinhphu.vn");
        assert_eq!(s.port, 2525);
        assert_eq!(s.security, Security::StartTls);
        assert_eq!(s.username.as_deref(), Some("tiendo@chinhphu.vn"));
        assert_eq!(s.password.as_deref(), Some("p:ss"));
        assert_eq!(s.timeout, Duration::from_secs(10));
        assert_eq!(s.from, FROM);
        assert_eq!(s.root_certificates_pem, None);
    }

    #[test]
    fn defaults_by_security() {
        let s = parse("smtp://relay").unwrap();
        assert_eq!((s.security, s.port), (Security::StartTls, 587));
        assert_eq!(s.username, None);
        assert_eq!(s.timeout, DEFAULT_TIMEOUT);
        let s = parse("smtp://relay/?tls=none").unwrap();
        assert_eq!((s.security, s.port), (Security::None, 25));
        let s = parse("SMTPS://u@relay").unwrap();
        assert_eq!((s.security, s.port), (Security::Tls, 465));
        assert_eq!(s.username.as_deref(), Some("u"));
        assert_eq!(s.password, None);
        let s = parse("smtp://[::1]:25?tls=none").unwrap();
        assert_eq!((s.host.as_str(), s.port), ("::1", 25));
    }

    #[test]
    fn errors_name_the_part() {
        assert_eq!(part_of("mail.chinhphu.vn"), "scheme");
        assert_eq!(part_of("http://mail.chinhphu.vn"), "scheme");
        assert_eq!(part_of("smtp://u:p@"), "host");
        assert_eq!(part_of("smtp://u:p@mail host"), "host");
        assert_eq!(part_of("smtp://mail:abc"), "port");
        assert_eq!(part_of("smtp://mail:0"), "port");
        assert_eq!(part_of("smtp://mail:70000"), "port");
        assert_eq!(part_of("smtp://:p@mail"), "user");
        assert_eq!(part_of("smtp://u%zz:p@mail"), "user");
        assert_eq!(part_of("smtp://u:p%4@mail"), "password");
        assert_eq!(part_of("smtp://mail?tls=yes"), "tls");
        assert_eq!(part_of("smtps://mail?tls=none"), "tls");
        assert_eq!(part_of("smtp://mail?timeout=soon"), "timeout");
        assert_eq!(part_of("smtp://mail?timeout=0"), "timeout");
        assert_eq!(part_of("smtp://mail?pool=1"), "query");
        assert_eq!(part_of("smtp://mail/inbox"), "path");
        let e = SmtpSettings::from_url("smtp://mail", "not an address").unwrap_err();
        assert_eq!((e.variable, e.part), ("TIENDO_SMTP_FROM", "address"));
        let e = parse("smtp://mail:abc").unwrap_err();
        assert_eq!(
            e.to_string(),
            "TIENDO_SMTP_URL: the port is wrong: `abc` is not a port (1–65535)"
        );
    }

    #[test]
    fn errors_never_show_the_password() {
        let e = parse("smtp://u:hunter2@mail:abc").unwrap_err();
        assert!(!e.to_string().contains("hunter2"));
        let e = parse("smtp://u:hunter2@mail?x=1").unwrap_err();
        assert!(!e.to_string().contains("hunter2"));
    }

    #[test]
    fn from_vars_reads_the_scheme() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(SmtpSettings::from_vars(vars(&[])), Ok(None));
        let e = SmtpSettings::from_vars(vars(&[("TIENDO_SMTP_URL", "smtp://mail")])).unwrap_err();
        assert_eq!((e.variable, e.part), ("TIENDO_SMTP_FROM", "address"));
        let s = SmtpSettings::from_vars(vars(&[
            ("TIENDO_SMTP_URL", "smtp://tiendo@mail"),
            ("TIENDO_SMTP_FROM", "tiendo@chinhphu.vn"),
            ("TIENDO_SMTP_PASSWORD", "from-a-secret"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(s.password.as_deref(), Some("from-a-secret"));
        let e = SmtpSettings::from_vars(vars(&[
            ("TIENDO_SMTP_URL", "smtp://mail"),
            ("TIENDO_SMTP_FROM", "tiendo@chinhphu.vn"),
            ("TIENDO_SMTP_PASSWORD", "x"),
        ]))
        .unwrap_err();
        assert_eq!((e.variable, e.part), ("TIENDO_SMTP_PASSWORD", "password"));
        let e = SmtpSettings::from_vars(vars(&[
            ("TIENDO_SMTP_URL", "smtp://mail"),
            ("TIENDO_SMTP_FROM", "tiendo@chinhphu.vn"),
            ("TIENDO_SMTP_CA_FILE", "/nonexistent/ca.pem"),
        ]))
        .unwrap_err();
        assert_eq!((e.variable, e.part), ("TIENDO_SMTP_CA_FILE", "file"));
    }

    #[test]
    fn debug_hides_the_password() {
        let s = parse("smtp://u:hunter2@mail").unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<hidden>"));
    }

    #[test]
    fn message_ids() {
        assert_eq!(
            message_id_header("<notice-42@tiendo.gov.vn>", FROM),
            "<notice-42@tiendo.gov.vn>"
        );
        assert_eq!(
            message_id_header("outbox 42/3", FROM),
            "<outbox.42/3@chinhphu.vn>"
        );
        assert_eq!(message_id_header("", "x"), "<notice@tiendo.invalid>");
    }

    #[test]
    fn the_link_is_added_where_missing() {
        let link = "https://tiendo.gov.vn/nhiem-vu/42?tab=1&x=2";
        // already in both: unchanged
        let text = format!("Xem {link}");
        let html = "<a href=\"https://tiendo.gov.vn/nhiem-vu/42?tab=1&amp;x=2\">Xem</a>";
        assert_eq!(
            with_link(&text, html, link),
            (text.clone(), html.to_owned())
        );
        // a whole document gets it inside <body>
        let (text, html) = with_link(
            "Nhiệm vụ quá hạn.\n",
            "<html><body><p>Nhiệm vụ</p></BODY></html>",
            link,
        );
        assert_eq!(text, format!("Nhiệm vụ quá hạn.\n\n{link}\n"));
        assert_eq!(
            html,
            "<html><body><p>Nhiệm vụ</p><p><a href=\"https://tiendo.gov.vn/nhiem-vu/42?tab=1&amp;x=2\">https://tiendo.gov.vn/nhiem-vu/42?tab=1&amp;x=2</a></p>\n</BODY></html>"
        );
        // a fragment gets it at the end; no link, nothing added
        assert!(
            with_link("a", "<p>b</p>", link)
                .1
                .starts_with("<p>b</p>\n<p><a href=")
        );
        assert_eq!(
            with_link("a", "<p>b</p>", " "),
            ("a".into(), "<p>b</p>".into())
        );
    }

    #[test]
    fn bad_recipient_is_permanent() {
        let s = parse("smtp://mail").unwrap();
        let email = Email {
            to: "không phải địa chỉ".into(),
            to_name: None,
            subject: "x".into(),
            text: "x".into(),
            html: "x".into(),
            message_id: "1".into(),
            link: String::new(),
        };
        let e = build_message(&s, &email).unwrap_err();
        assert!(e.is_permanent(), "{e}");
    }
}
