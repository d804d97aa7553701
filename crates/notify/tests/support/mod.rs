//! Real parts for the delivery tests: an SMTP server, a MIME reader, a webhook receiver.

pub mod mime;
pub mod smtp;
pub mod tls;
pub mod webhook;
