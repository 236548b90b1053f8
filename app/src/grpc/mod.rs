//! The gRPC server: every unary method path is forwarded, with its protobuf body, to the same
//! query entry point ABCI Query uses, so the two can never disagree. The block height comes
//! from the `x-cosmos-block-height` header, as on SDK nodes.
//!
//! Bounded, so that no client can take the node over: each connection runs a few requests at a
//! time, every request has a deadline, and the blocking work of all queries together runs on at
//! most [`Limits::blocking`] threads (each query also has its gas budget, see `App::query`).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, BufMut};
use tokio::sync::Semaphore;
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

/// How much of the node the gRPC server may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Requests served at once on one connection (tonic's `concurrency_limit_per_connection`).
    pub per_connection: usize,
    /// A request not answered within this is cancelled (tonic's `timeout`).
    pub timeout: Duration,
    /// Queries running at once on the blocking pool, over all connections.
    pub blocking: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_connection: 32,
            timeout: Duration::from_secs(10),
            blocking: 8,
        }
    }
}

/// Blocking work run at most `permits` at a time: a request waits for a permit before its work
/// is handed to tokio's blocking pool, and the permit is held until the work ends, even when the
/// request was cancelled meanwhile, so slow queries can never occupy more than `permits` threads.
#[derive(Clone)]
pub struct BoundedBlocking {
    permits: Arc<Semaphore>,
}

impl BoundedBlocking {
    pub fn new(permits: usize) -> Self {
        BoundedBlocking {
            permits: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Status> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Status::unavailable("the query pool is closed"))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| Status::internal(e.to_string()))
    }
}

struct Method {
    app: App,
    path: String,
    blocking: BoundedBlocking,
}

impl UnaryService<Vec<u8>> for Method {
    type Response = Vec<u8>;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Vec<u8>>, Status>> + Send>>;

    fn call(&mut self, request: Request<Vec<u8>>) -> Self::Future {
        let (app, path, blocking) = (self.app.clone(), self.path.clone(), self.blocking.clone());
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
            // Queries touch RocksDB; keep them off the async workers, a bounded number at a time.
            let (height, result) = blocking
                .run(move || app.query_result(&path, &data, height, false))
                .await?;
            match result {
                Ok(response) => {
                    let mut reply = Response::new(response.value.to_vec());
                    if let Ok(v) = height.to_string().parse() {
                        reply.metadata_mut().insert(HEIGHT_HEADER, v);
                    }
                    Ok(reply)
                }
                Err(failure) => Err(status(failure)),
            }
        })
    }
}

/// The gRPC status of a refused query: its error's kind decides, whichever module refused.
fn status(failure: crate::error::Failure) -> Status {
    use crate::error::Kind;
    let code = match failure.kind {
        Kind::InvalidArgument => tonic::Code::InvalidArgument,
        Kind::NotFound => tonic::Code::NotFound,
        Kind::FailedPrecondition => tonic::Code::FailedPrecondition,
        Kind::PermissionDenied => tonic::Code::PermissionDenied,
        Kind::ResourceExhausted => tonic::Code::ResourceExhausted,
        Kind::Unimplemented => tonic::Code::Unimplemented,
        Kind::Internal => tonic::Code::Internal,
    };
    Status::new(code, failure.log)
}

/// Routes every path to [`Method`].
#[derive(Clone)]
struct Forwarder {
    app: App,
    blocking: BoundedBlocking,
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
            blocking: self.blocking.clone(),
        };
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(RawCodec);
            Ok(grpc.unary(method, request).await)
        })
    }
}

/// Serves gRPC on `addr` until the process ends, within the default [`Limits`].
pub async fn serve(app: App, addr: SocketAddr) -> Result<(), tonic::transport::Error> {
    serve_with(app, addr, Limits::default()).await
}

/// Serves gRPC on `addr` until the process ends, within `limits`.
pub async fn serve_with(
    app: App,
    addr: SocketAddr,
    limits: Limits,
) -> Result<(), tonic::transport::Error> {
    let forwarder = Forwarder {
        app,
        blocking: BoundedBlocking::new(limits.blocking),
    };
    let router = axum::Router::new().fallback_service(forwarder);
    tracing::info!(%addr, ?limits, "gRPC server listening");
    tonic::transport::Server::builder()
        .concurrency_limit_per_connection(limits.per_connection.max(1))
        .timeout(limits.timeout)
        .add_routes(tonic::service::Routes::from(router))
        .serve(addr)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn blocking_work_runs_at_most_the_permitted_number_at_a_time() {
        let pool = BoundedBlocking::new(2);
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut gates = Vec::new();
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let (open, gate) = mpsc::channel::<()>();
            gates.push(open);
            let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                pool.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    // Held until the test opens this task's gate (or drops it).
                    let _ = gate.recv();
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        // Two start and hold their permits; the other four wait for one.
        while running.load(Ordering::SeqCst) < 2 {
            tokio::task::yield_now().await;
        }
        assert_eq!(pool.permits.available_permits(), 0);
        // No third one starts while they hold them (unbounded, all six would be running now).
        let third = tokio::time::timeout(Duration::from_millis(200), async {
            while running.load(Ordering::SeqCst) < 3 {
                tokio::task::yield_now().await;
            }
        });
        assert!(third.await.is_err(), "a third query ran beside the two");
        drop(gates);
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert_eq!(pool.permits.available_permits(), 2);
    }

    #[test]
    fn a_refused_query_answers_with_the_status_of_its_errors_kind_whichever_module_refused() {
        use openledger_proto::licenses::v1::QueryGrantRequest;
        use prost::Message;
        let key = crate::testkit::TestKey::from_seed("kinds");
        let chain = crate::testkit::TestChain::new(&[&key]);
        let code = |path: &str, data: Vec<u8>| {
            let (_, result) = chain.app.query_result(path, &data, 0, false);
            result.map(|_| ()).map_err(|f| status(f).code())
        };
        let missing_grant = QueryGrantRequest { grant_id: 42 }.encode_to_vec();
        assert_eq!(
            code("/openledger.licenses.v1.Query/Grant", missing_grant),
            Err(tonic::Code::NotFound)
        );
        assert_eq!(
            code("/openledger.licenses.v1.Query/Grant", vec![0xff, 0xff]),
            Err(tonic::Code::InvalidArgument)
        );
        assert_eq!(
            code("/openledger.nothing.v1.Query/Nothing", vec![]),
            Err(tonic::Code::Unimplemented)
        );
        assert_eq!(code("/cosmos.auth.v1beta1.Query/Params", vec![]), Ok(()));
    }
}
