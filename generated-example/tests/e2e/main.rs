//! End to end: the `verify-phone` binary as a real server process on 127.0.0.1, driven over
//! REST, gRPC, gRPC-Web and Connect. Every database-touching case runs on SQLite and, when
//! TEST_DATABASE_URL names a PostgreSQL server (`scripts/postgres.sh` prints one), on
//! PostgreSQL too; without it the `postgres::` cases pass as skipped.

mod common;

mod cli;
mod concurrency;
mod durability;
mod errors;
mod flow;
mod jwt_attacks;
mod limits;
mod lockout;
mod metrics;
mod pg_restarts;
mod reference;
mod sqlite_faults;

/// Declares `sqlite::<case>` and `postgres::<case>` tests running `<case>(backend)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case($crate::common::Backend::Postgres).await
                }
            )*
        }
    };
}
