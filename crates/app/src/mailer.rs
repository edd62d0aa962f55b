//! Hands alert e-mails to the configured mail server (SMTP through lettre, with a pool of
//! connections). Without a configured host there is no mailer and alerts stay in the app.

use std::time::Duration;

use filrouge_domain::user::Email;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailConfig, MailSecurity};
use crate::error::{AppError, Result};

/// SMTP connections kept open to the server at most (as many as e-mails sent at once).
pub const CONNECTIONS: u32 = 16;

/// An e-mail about to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub to: Vec<Email>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A stable id (`<delivery-12@host>`), so that a mail sent twice after a crash can be recognised.
    pub message_id: String,
}

/// The SMTP client.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    host: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("host", &self.host).finish_non_exhaustive()
    }
}

fn invalid(field: &str, why: impl std::fmt::Display) -> AppError {
    AppError::Invalid(filrouge_domain::Invalid::new(field, why.to_string()))
}

impl Mailer {
    /// `None` when no mail server is configured.
    pub fn new(config: &MailConfig) -> Result<Option<Self>> {
        let Some(host) = config.host.as_deref().map(str::trim).filter(|h| !h.is_empty()) else {
            return Ok(None);
        };
        let from: Mailbox = config.from.parse().map_err(|e| invalid("mail.from", e))?;
        let builder = match config.security {
            MailSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            MailSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(|e| invalid("mail.host", e))?
            }
            MailSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| invalid("mail.host", e))?
            }
        };
        let mut builder = builder
            .port(config.port)
            .timeout(Some(Duration::from_secs(config.timeout_secs.max(1))))
            .pool_config(PoolConfig::new().max_size(CONNECTIONS));
        if let Some(user) = &config.username {
            builder = builder.credentials(Credentials::new(user.clone(), config.password.clone().unwrap_or_default()));
        }
        Ok(Some(Self { transport: builder.build(), from, host: host.to_owned() }))
    }

    /// Sends one e-mail to all its recipients; the error says what the server or network said.
    pub async fn send(&self, letter: &Letter) -> std::result::Result<(), String> {
        let mut message = Message::builder().from(self.from.clone()).subject(letter.subject.clone());
        for to in &letter.to {
            let mailbox: Mailbox = to.as_str().parse().map_err(|e| format!("recipient {}: {e}", to.as_str()))?;
            message = message.to(mailbox);
        }
        let message = message
            .message_id(Some(letter.message_id.clone()))
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(letter.text.clone()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(letter.html.clone())),
            )
            .map_err(|e| format!("building the e-mail: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| format!("{}: {e}", self.host))
    }
}
