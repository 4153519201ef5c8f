//! Starts every service of the naming schema on one real listener.

use std::net::SocketAddr;

use protogate::{RequestContext, Status};
use protogate_naming_test::api;
use protogate_naming_test::api::naming::{clash, deep, mixed_case::shop_v1, prelude, r#match};
use serde_json::Value;

/// Echoes every request; the packageless services answer from theirs.
pub struct Echo;

impl api::PingerHandler for Echo {
    async fn ping(&self, _: &RequestContext, request: api::Ping) -> Result<api::Ping, Status> {
        Ok(api::Ping {
            msg: format!("pong: {}", request.msg),
        })
    }
}

impl api::WalletServiceHandler for Echo {
    async fn fill(
        &self,
        _: &RequestContext,
        money: api::naming::r#type::Money,
    ) -> Result<api::Wallet, Status> {
        use api::naming::r#type::Currency;
        Ok(api::Wallet {
            balance: Some(money),
            last_ping: Some(api::Ping { msg: "kept".into() }),
            currencies: vec![
                Currency::CurrencyEur as i32,
                Currency::Eur as i32,
                Currency::CurrencySelf as i32,
            ],
        })
    }
}

impl r#match::MatchHandler for Echo {
    async fn echo(
        &self,
        _: &RequestContext,
        request: r#match::Keywords,
    ) -> Result<r#match::Keywords, Status> {
        Ok(request)
    }
}

impl shop_v1::ShopServiceHandler for Echo {
    async fn get_price(
        &self,
        _: &RequestContext,
        request: shop_v1::Price,
    ) -> Result<shop_v1::Price, Status> {
        Ok(request)
    }
}

impl prelude::PreludeServiceHandler for Echo {
    async fn echo(
        &self,
        _: &RequestContext,
        request: prelude::Prelude,
    ) -> Result<prelude::Prelude, Status> {
        Ok(request)
    }
}

/// Answers with the method's name, so a test sees which handler method ran.
fn named(method: &str, request: clash::Clash) -> clash::Clash {
    clash::Clash {
        name: format!("{method}: {}", request.name),
    }
}

impl clash::ClashGateHandler for Echo {
    async fn info(&self, _: &RequestContext, r: clash::Clash) -> Result<clash::Clash, Status> {
        Ok(named("info", r))
    }
    async fn handler(
        &self,
        _: &RequestContext,
        r: clash::ClashHandler,
    ) -> Result<clash::ClashHandler, Status> {
        Ok(clash::ClashHandler {
            name: format!("handler: {}", r.name),
        })
    }
    async fn into_grpc(&self, _: &RequestContext, r: clash::Clash) -> Result<clash::Clash, Status> {
        Ok(named("into_grpc", r))
    }
    async fn from_arc(&self, _: &RequestContext, r: clash::Clash) -> Result<clash::Clash, Status> {
        Ok(named("from_arc", r))
    }
    async fn call_unary(
        &self,
        _: &RequestContext,
        r: clash::Clash,
    ) -> Result<clash::Clash, Status> {
        Ok(named("call_unary", r))
    }
    async fn call_server_streaming(
        &self,
        _: &RequestContext,
        r: clash::Clash,
    ) -> Result<protogate::ResponseStream<clash::Clash>, Status> {
        let items = [named("stream 1", r.clone()), named("stream 2", r)].map(Ok);
        Ok(Box::pin(futures_util::stream::iter(items)))
    }
    async fn file_descriptor_set(
        &self,
        _: &RequestContext,
        r: clash::Clash,
    ) -> Result<clash::Clash, Status> {
        Ok(named("file_descriptor_set", r))
    }
    async fn add_grpc_routes(
        &self,
        _: &RequestContext,
        r: clash::Clash,
    ) -> Result<clash::Clash, Status> {
        Ok(named("add_grpc_routes", r))
    }
    async fn clone(&self, _: &RequestContext, r: clash::Clash) -> Result<clash::Clash, Status> {
        Ok(named("clone", r))
    }
    async fn deep(&self, _: &RequestContext, r: deep::Level1) -> Result<deep::Level1, Status> {
        Ok(r)
    }
}

impl clash::ServiceHandler for Echo {
    async fn service(&self, _: &RequestContext, r: clash::Clash) -> Result<clash::Clash, Status> {
        Ok(named("service", r))
    }
    async fn info(
        &self,
        _: &RequestContext,
        r: clash::ClashHandler,
    ) -> Result<clash::ClashHandler, Status> {
        Ok(clash::ClashHandler {
            name: format!("service info: {}", r.name),
        })
    }
}

/// A server on a free port, and a client for it.
pub struct Running {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
}

impl Running {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn channel(&self) -> tonic::transport::Channel {
        tonic::transport::Endpoint::from_shared(self.url(""))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    /// Sends `body` as JSON (or nothing for GET) and returns the status and the JSON reply.
    pub async fn json(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, value)
    }
}

pub async fn start() -> Running {
    let server = protogate::Server::new()
        .service(api::Pinger::new(Echo))
        .service(api::WalletService::new(Echo))
        .service(r#match::Match::new(Echo))
        .service(shop_v1::ShopService::new(Echo))
        .service(prelude::PreludeService::new(Echo))
        .service(clash::ClashGate::new(Echo))
        .service(clash::Service::new(Echo));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    Running {
        addr,
        http: reqwest::Client::new(),
    }
}
