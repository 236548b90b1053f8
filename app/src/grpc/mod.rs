//! The gRPC server: every unary method path is forwarded, with its protobuf body, to the same
//! query entry point ABCI Query uses, so the two can never disagree. The block height comes
//! from the `x-cosmos-block-height` header, as on SDK nodes.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, BufMut};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::server::UnaryService;
use tonic::{Request, Response, Status};

use crate::app::App;

pub const HEIGHT_HEADER: &str = "x-cosmos-block-height";

/// Passes message bytes through untouched: the handlers decode them.
#[derive(Clone, Copy, Default)]
struct RawCodec;

struct RawCoder;

impl Encoder for RawCoder {
    type Item = Vec<u8>;
    type Error = Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCoder {
    type Item = Vec<u8>;
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        let mut out = vec![0; src.remaining()];
        src.copy_to_slice(&mut out);
        Ok(Some(out))
    }
}

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCoder;
    type Decoder = RawCoder;
    fn encoder(&mut self) -> RawCoder {
        RawCoder
    }
    fn decoder(&mut self) -> RawCoder {
        RawCoder
    }
}

struct Method {
    app: App,
    path: String,
}

impl UnaryService<Vec<u8>> for Method {
    type Response = Vec<u8>;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Vec<u8>>, Status>> + Send>>;

    fn call(&mut self, request: Request<Vec<u8>>) -> Self::Future {
        let (app, path) = (self.app.clone(), self.path.clone());
        Box::pin(async move {
            let height = match request.metadata().get(HEIGHT_HEADER) {
                Some(v) => v
                    .to_str()
                    .ok()
                    .and_then(|s| s.parse::<i64>().ok())
                    .ok_or_else(|| Status::invalid_argument(format!("invalid {HEIGHT_HEADER}")))?,
                None => 0,
            };
            let data = request.into_inner();
            // Queries touch RocksDB; keep them off the async workers.
            let response =
                tokio::task::spawn_blocking(move || app.query(&path, &data, height, false))
                    .await
                    .map_err(|e| Status::internal(e.to_string()))?;
            match response.code {
                0 => {
                    let mut reply = Response::new(response.value.to_vec());
                    if let Ok(v) = response.height.to_string().parse() {
                        reply.metadata_mut().insert(HEIGHT_HEADER, v);
                    }
                    Ok(reply)
                }
                6 if response.codespace == "sdk" => Err(Status::unimplemented(response.log)),
                22 if response.codespace == "sdk" => Err(Status::not_found(response.log)),
                _ => Err(Status::invalid_argument(response.log)),
            }
        })
    }
}

/// Routes every path to [`Method`].
#[derive(Clone)]
struct Forwarder {
    app: App,
}

impl tower_service::Service<http::Request<axum::body::Body>> for Forwarder {
    type Response = http::Response<tonic::body::BoxBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<axum::body::Body>) -> Self::Future {
        let method = Method {
            app: self.app.clone(),
            path: request.uri().path().to_string(),
        };
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(RawCodec);
            Ok(grpc.unary(method, request).await)
        })
    }
}

/// Serves gRPC on `addr` until the process ends.
pub async fn serve(app: App, addr: SocketAddr) -> Result<(), tonic::transport::Error> {
    let router = axum::Router::new().fallback_service(Forwarder { app });
    tracing::info!(%addr, "gRPC server listening");
    tonic::transport::Server::builder()
        .add_routes(tonic::service::Routes::from(router))
        .serve(addr)
        .await
}
