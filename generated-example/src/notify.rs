//! Sending verification codes. The default notifier writes each SMS to the outbox table,
//! which `verify-phone outbox` prints; a real deployment implements [`Notifier`] with its SMS
//! gateway.

use std::future::Future;
use std::sync::Arc;

use crate::store::{now_micros, EventStore, OutboxMessage, StoreError};

/// One SMS carrying a verification code.
#[derive(Clone, PartialEq, Eq)]
pub struct Sms {
    /// The user the code belongs to.
    pub user_id: String,
    /// The number to send to.
    pub phone: String,
    /// The code, in clear.
    pub code: String,
}

impl std::fmt::Debug for Sms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sms")
            .field("user_id", &self.user_id)
            .field("phone", &self.phone)
            .finish_non_exhaustive()
    }
}

impl Sms {
    /// The text of the message.
    pub fn text(&self) -> String {
        format!("Your verification code is {}", self.code)
    }
}

/// Why a code could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The outbox could not be written.
    #[error("outbox: {0}")]
    Outbox(#[from] StoreError),
    /// Another notifier's failure.
    #[error("{0}")]
    Other(String),
}

/// Delivers verification codes.
pub trait Notifier: Send + Sync + 'static {
    /// Sends `sms`. Called after the code is stored; a failure leaves the code pending (the user
    /// can ask for it again) and is logged, not returned to the caller.
    fn send(&self, sms: &Sms) -> impl Future<Output = Result<(), NotifyError>> + Send;
}

/// Writes every SMS to the store's outbox and logs it.
#[derive(Debug)]
pub struct OutboxNotifier<S> {
    store: Arc<S>,
}

impl<S> OutboxNotifier<S> {
    /// A notifier writing to `store`'s outbox.
    pub fn new(store: Arc<S>) -> OutboxNotifier<S> {
        OutboxNotifier { store }
    }
}

impl<S: EventStore> Notifier for OutboxNotifier<S> {
    async fn send(&self, sms: &Sms) -> Result<(), NotifyError> {
        self.store
            .push_outbox(&OutboxMessage {
                user_id: sms.user_id.clone(),
                phone: sms.phone.clone(),
                code: sms.code.clone(),
                message: sms.text(),
                created_at: now_micros(),
            })
            .await?;
        // The code stays out of the log: logs travel further than the outbox.
        tracing::info!(user = %sms.user_id, phone = %sms.phone, "SMS written to the outbox");
        Ok(())
    }
}
