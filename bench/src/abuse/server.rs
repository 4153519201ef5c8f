//! The server the abuse tool attacks, as a child process (`protogate-bench abuse-server`):
//! protogate's runtime with the example's `AuthService`, whose `Healthz` takes a fixed
//! service time, and the other methods unimplemented.

use std::time::Duration;

use protogate::{RequestContext, Status};
use verify_phone::api::zitadel::auth::v1::{
    AuthService, AuthServiceHandler, GetMyPhoneRequest, GetMyPhoneResponse, HealthzRequest,
    HealthzResponse, RemoveMyPhoneRequest, RemoveMyPhoneResponse, ResendMyPhoneVerificationRequest,
    ResendMyPhoneVerificationResponse, SetMyPhoneRequest, SetMyPhoneResponse, VerifyMyPhoneRequest,
    VerifyMyPhoneResponse,
};

/// How the attacked server is configured.
#[derive(clap::Args, Clone, Debug)]
pub struct ServerOptions {
    /// How long each `Healthz` call takes, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub service_time_ms: u64,
    /// `Server::concurrency_limit` (none when absent).
    #[arg(long)]
    pub concurrency_limit: Option<usize>,
    /// `Server::abuse_cooldown`, in seconds (none when absent).
    #[arg(long)]
    pub abuse_cooldown_s: Option<u64>,
    /// The CPUs the server runs on (`0`, `0-1`); any when absent.
    #[arg(long)]
    pub cpus: Option<String>,
}

/// `Healthz` after a fixed service time; nothing else.
struct FixedServiceTime(Duration);

impl AuthServiceHandler for FixedServiceTime {
    async fn healthz(
        &self,
        _: &RequestContext,
        _: HealthzRequest,
    ) -> Result<HealthzResponse, Status> {
        if !self.0.is_zero() {
            tokio::time::sleep(self.0).await;
        }
        Ok(HealthzResponse {})
    }

    async fn get_my_phone(
        &self,
        _: &RequestContext,
        _: GetMyPhoneRequest,
    ) -> Result<GetMyPhoneResponse, Status> {
        Err(Status::unimplemented("not served here"))
    }

    async fn set_my_phone(
        &self,
        _: &RequestContext,
        _: SetMyPhoneRequest,
    ) -> Result<SetMyPhoneResponse, Status> {
        Err(Status::unimplemented("not served here"))
    }

    async fn verify_my_phone(
        &self,
        _: &RequestContext,
        _: VerifyMyPhoneRequest,
    ) -> Result<VerifyMyPhoneResponse, Status> {
        Err(Status::unimplemented("not served here"))
    }

    async fn resend_my_phone_verification(
        &self,
        _: &RequestContext,
        _: ResendMyPhoneVerificationRequest,
    ) -> Result<ResendMyPhoneVerificationResponse, Status> {
        Err(Status::unimplemented("not served here"))
    }

    async fn remove_my_phone(
        &self,
        _: &RequestContext,
        _: RemoveMyPhoneRequest,
    ) -> Result<RemoveMyPhoneResponse, Status> {
        Err(Status::unimplemented("not served here"))
    }
}

/// Serves until standard input ends (or SIGTERM, Ctrl-C); prints `listening on ADDR` first.
pub fn serve(options: ServerOptions) -> std::process::ExitCode {
    super::raise_fd_limit();
    if let Err(e) = super::cpus::pin_spec(options.cpus.as_deref()) {
        eprintln!("error: {e}");
        return std::process::ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let mut server = protogate::Server::new().service(AuthService::new(FixedServiceTime(
            Duration::from_millis(options.service_time_ms),
        )));
        if let Some(limit) = options.concurrency_limit {
            server = server.concurrency_limit(limit);
        }
        if let Some(seconds) = options.abuse_cooldown_s {
            server = server.abuse_cooldown(Duration::from_secs(seconds));
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("listening on {}", listener.local_addr()?);
        server
            .serve_with_shutdown(listener, crate::stop::stopped())
            .await
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
