//! The request body timeout: a body that stalls between frames longer than the limit ends
//! with [`BodyStalled`], which the protocols answer with DEADLINE_EXCEEDED.

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// The error of a request body that sent nothing for longer than the body timeout.
#[derive(Debug, thiserror::Error)]
#[error("the request body sent nothing for {0:?}")]
pub(crate) struct BodyStalled(Duration);

/// Whether `error`, or one of its sources, is a [`BodyStalled`].
pub(crate) fn is_stalled(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if e.is::<BodyStalled>() {
            return true;
        }
        next = e.source();
    }
    false
}

/// A body that fails with [`BodyStalled`] when no frame comes within `timeout` of the moment
/// its reader asks for the next one (time the reader spends elsewhere does not count).
pub(crate) struct TimedBody<B> {
    inner: B,
    timeout: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
    armed: bool,
}

impl<B> TimedBody<B> {
    pub(crate) fn new(inner: B, timeout: Duration) -> TimedBody<B> {
        TimedBody {
            inner,
            timeout,
            sleep: Box::pin(tokio::time::sleep(timeout)),
            armed: false,
        }
    }
}

impl<B> Body for TimedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            this.armed = false;
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        if !this.armed {
            this.armed = true;
            let at = tokio::time::Instant::now() + this.timeout;
            this.sleep.as_mut().reset(at);
        }
        if this.sleep.as_mut().poll(cx).is_ready() {
            tracing::debug!(timeout = ?this.timeout, "request body stalled");
            return Poll::Ready(Some(Err(Box::new(BodyStalled(this.timeout)))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt as _;

    #[tokio::test]
    async fn a_stalled_body_fails_and_a_flowing_one_does_not() {
        let (sender, receiver) =
            tokio::sync::mpsc::channel::<Result<Frame<Bytes>, std::io::Error>>(1);
        let stream = futures_util::stream::unfold(receiver, |mut r| async move {
            r.recv().await.map(|item| (item, r))
        });
        let body = http_body_util::StreamBody::new(Box::pin(stream));
        let mut timed = TimedBody::new(body, Duration::from_millis(50));
        sender
            .send(Ok(Frame::data(Bytes::from_static(b"a"))))
            .await
            .unwrap();
        let first = timed.frame().await.unwrap().unwrap();
        assert_eq!(first.into_data().unwrap(), "a");
        let error = timed.frame().await.unwrap().unwrap_err();
        assert!(is_stalled(error.as_ref()));
    }
}
