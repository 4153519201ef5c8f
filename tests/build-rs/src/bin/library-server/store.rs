//! The library's in-memory state and the data every start is seeded with. Nothing depends on
//! the clock: timestamps are fixed, names are counters.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use protogate::wkt::Timestamp;
use protogate::Status;
use protogate_build_rs_test::library::{admin::v1 as admin_pb, common::v1 as common, v1 as lib};

/// Everything the services share; clones share one state.
#[derive(Clone)]
pub(crate) struct Library {
    state: Arc<Mutex<State>>,
}

/// The mutable part, behind one lock.
pub(crate) struct State {
    pub(crate) shelves: BTreeMap<String, lib::Shelf>,
    /// Keyed by resource name, `shelves/{shelf}/books/{book}`.
    pub(crate) books: BTreeMap<String, lib::Book>,
    pub(crate) authors: BTreeMap<String, lib::Author>,
    /// Keyed by resource name, `loans/{n}`.
    pub(crate) loans: BTreeMap<String, lib::Loan>,
    pub(crate) next_loan: u64,
    pub(crate) settings: admin_pb::Settings,
}

impl Library {
    /// The library as every start finds it.
    pub(crate) fn seeded() -> Library {
        Library {
            state: Arc::new(Mutex::new(State::seeded())),
        }
    }

    /// The state, locked. A poisoned lock means a handler panicked mid-change; refuse.
    pub(crate) fn state(&self) -> Result<MutexGuard<'_, State>, Status> {
        self.state
            .lock()
            .map_err(|_| Status::internal("the library's state is poisoned"))
    }
}

/// The timestamp of midnight UTC on a calendar day.
pub(crate) fn day(year: i64, month: i64, day: i64) -> Timestamp {
    // Days from civil (proleptic Gregorian), H. Hinnant's algorithm.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Timestamp {
        seconds: days * 86_400,
        nanos: 0,
    }
}

/// When every change the server makes happens.
pub(crate) fn now() -> Timestamp {
    let mut t = day(2024, 6, 1);
    t.seconds += 10 * 3600;
    t
}

pub(crate) fn duration(seconds: i64) -> pbjson_types::Duration {
    pbjson_types::Duration { seconds, nanos: 0 }
}

fn book(shelf: &str, id: &str, title: &str, isbn: &str, author: &str) -> lib::Book {
    lib::Book {
        name: format!("shelves/{shelf}/books/{id}"),
        title: title.into(),
        isbn_13: isbn.into(),
        display_title: title.into(),
        authors: vec![author.into()],
        create_time: Some(day(2024, 1, 2)),
        update_time: Some(day(2024, 1, 2)),
        etag: format!("{id}-1"),
        ..Default::default()
    }
}

fn string_value(s: &str) -> pbjson_types::Value {
    pbjson_types::Value {
        kind: Some(pbjson_types::value::Kind::StringValue(s.into())),
    }
}

impl State {
    fn seeded() -> State {
        let mut shelves = BTreeMap::new();
        for (id, display_name, theme, capacity, location) in [
            (
                "fiction",
                "Fiction A-Z",
                common::Genre::Fiction,
                100,
                lib::shelf::Location::RoomCode("B2.14".into()),
            ),
            (
                "poetry",
                "Poetry",
                common::Genre::Poetry,
                20,
                lib::shelf::Location::BranchAddress(common::Address {
                    street: "1 Main Street".into(),
                    city: "Springfield".into(),
                    postal_code: "12345".into(),
                    region_code: "US".into(),
                }),
            ),
            (
                "faulty",
                "Damaged records",
                common::Genre::Unspecified,
                5,
                lib::shelf::Location::RoomCode("C0.01".into()),
            ),
        ] {
            shelves.insert(
                id.to_string(),
                lib::Shelf {
                    id: id.into(),
                    display_name: display_name.into(),
                    theme: theme as i32,
                    capacity,
                    location: Some(location),
                    create_time: Some(day(2024, 1, 1)),
                    ..Default::default()
                },
            );
        }

        let mut dune = book(
            "fiction",
            "dune",
            "Dune",
            "9780441013593",
            "authors/herbert",
        );
        dune.page_count = 412;
        dune.genres = vec![common::Genre::ScienceFiction as i32];
        dune.format = common::BookFormat::Paperback as i32;
        dune.publish_time = Some(day(1965, 8, 1));
        dune.labels = [("series".to_string(), "dune".to_string())].into();
        dune.acquisition = Some(lib::book::Acquisition::PurchaseOrderId("PO-1".into()));
        dune.physical = Some(lib::PhysicalProperties {
            word_count: 188_000,
            barcode: 9_780_441_013_593,
            storage_temp_delta_c: -2,
            has_dust_jacket: true,
            ..Default::default()
        });
        let mut left_hand = book(
            "fiction",
            "left-hand",
            "The Left Hand of Darkness",
            "9780441478125",
            "authors/le-guin",
        );
        left_hand.page_count = 304;
        left_hand.genres = vec![common::Genre::ScienceFiction as i32];
        left_hand.format = common::BookFormat::Hardcover as i32;
        left_hand.publish_time = Some(day(1969, 3, 1));
        let mut earthsea = book(
            "fiction",
            "earthsea",
            "A Wizard of Earthsea",
            "9780547773742",
            "authors/le-guin",
        );
        earthsea.page_count = 183;
        earthsea.genres = vec![common::Genre::Fantasy as i32];
        earthsea.format = common::BookFormat::Ebook as i32;
        earthsea.publish_time = Some(day(1968, 11, 1));
        earthsea.subtitle = Some("Earthsea Cycle, Book 1".into());
        earthsea.series_position = Some(1);
        let mut odes = book("poetry", "odes", "Odes", "", "authors/keats");
        odes.genres = vec![common::Genre::Poetry as i32];
        odes.format = common::BookFormat::Hardcover as i32;
        let torn = book("faulty", "torn", "Torn Pages", "", "authors/unknown");
        let books = [dune, left_hand, earthsea, odes, torn]
            .into_iter()
            .map(|b| (b.name.clone(), b))
            .collect();

        let authors = [
            lib::Author {
                name: "authors/herbert".into(),
                display_name: "Frank Herbert".into(),
                birth_year: Some(1920),
                death_year: Some(1986),
                ..Default::default()
            },
            lib::Author {
                name: "authors/le-guin".into(),
                display_name: "Ursula K. Le Guin".into(),
                birth_year: Some(1929),
                death_year: Some(2018),
                pen_names: vec!["U. K. Le Guin".into()],
                genres_by_language: [("en".to_string(), common::Genre::ScienceFiction as i32)]
                    .into(),
            },
        ]
        .into_iter()
        .map(|a| (a.name.clone(), a))
        .collect();

        let settings = admin_pb::Settings {
            library_name: "Springfield Public Library".into(),
            branding: Some(pbjson_types::Struct {
                fields: [
                    ("color".to_string(), string_value("#336699")),
                    (
                        "logoWidth".to_string(),
                        pbjson_types::Value {
                            kind: Some(pbjson_types::value::Kind::NumberValue(120.0)),
                        },
                    ),
                ]
                .into(),
            }),
            default_sort_key: Some(string_value("title")),
            allowed_origins: Some(pbjson_types::ListValue {
                values: vec![string_value("http://localhost:3000")],
            }),
            feature_flags: [(
                "newCatalog".to_string(),
                pbjson_types::Value {
                    kind: Some(pbjson_types::value::Kind::BoolValue(true)),
                },
            )]
            .into(),
            retention: Some(admin_pb::settings::Retention::RetentionPeriod(duration(
                365 * 86_400,
            ))),
            update_time: Some(day(2024, 1, 1)),
            default_loan_period: Some(duration(21 * 86_400)),
            featured_genres: vec![common::Genre::Fiction as i32, common::Genre::Poetry as i32],
            ..Default::default()
        };

        State {
            shelves,
            books,
            authors,
            loans: BTreeMap::new(),
            next_loan: 1,
            settings,
        }
    }

    /// The books of a shelf, in name order.
    pub(crate) fn books_on(&self, shelf: &str) -> Vec<lib::Book> {
        let prefix = format!("shelves/{shelf}/books/");
        self.books
            .range(prefix.clone()..)
            .take_while(|(name, _)| name.starts_with(&prefix))
            .map(|(_, b)| b.clone())
            .collect()
    }

    pub(crate) fn shelf(&self, id: &str) -> Result<&lib::Shelf, Status> {
        self.shelves
            .get(id)
            .ok_or_else(|| Status::not_found(format!("shelf `{id}` does not exist")))
    }

    pub(crate) fn book(&self, name: &str) -> Result<&lib::Book, Status> {
        self.books
            .get(name)
            .ok_or_else(|| Status::not_found(format!("book `{name}` does not exist")))
    }
}

/// A page of `items` after `page_token` (an offset), at most `page_size` long (0: 50).
pub(crate) fn page<T: Clone>(
    items: &[T],
    page_size: i32,
    page_token: &str,
) -> Result<(Vec<T>, String), Status> {
    let start: usize = if page_token.is_empty() {
        0
    } else {
        page_token
            .parse()
            .ok()
            .filter(|&n: &usize| n <= items.len())
            .ok_or_else(|| Status::invalid_argument(format!("invalid page token `{page_token}`")))?
    };
    let size = if page_size == 0 {
        50
    } else {
        page_size as usize
    };
    let end = (start + size).min(items.len());
    let next = if end < items.len() {
        end.to_string()
    } else {
        String::new()
    };
    Ok((items[start..end].to_vec(), next))
}

/// Whether the caller holds the `admin` permission.
pub(crate) fn require_admin(ctx: &protogate::RequestContext, what: &str) -> Result<(), Status> {
    match &ctx.caller {
        None => Err(Status::unauthenticated("auth header missing")),
        Some(c) if c.has_permission("admin") => Ok(()),
        Some(_) => Err(Status::permission_denied(format!(
            "only librarians with the admin role may {what}"
        ))),
    }
}
