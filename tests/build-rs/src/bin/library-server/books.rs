//! `library.v1.BookService`: books on shelves, plus two test hooks: books on the shelf `slow`
//! take 3 s to look up (for deadlines), and the shelf `faulty` ends its watch stream with
//! DATA_LOSS (for errors in the middle of a stream).

use std::time::Duration;

use protogate::{RequestContext, ResponseStream, Status};
use protogate_build_rs_test::library::v1 as lib;

use crate::store::{duration, now, page, Library};

/// The shelf whose books answer slowly.
const SLOW_SHELF: &str = "shelves/slow/books/";
const SLOW: Duration = Duration::from_secs(3);
const DEFAULT_LOAN: i64 = 21 * 86_400;

/// The shelf id of a book name `shelves/{shelf}/books/{book}`.
fn shelf_of(name: &str) -> &str {
    name.split('/').nth(1).unwrap_or_default()
}

fn sort_books(books: &mut [lib::Book], order_by: &str) -> Result<(), Status> {
    match order_by.trim() {
        "" | "name" => {}
        "title" => books.sort_by(|a, b| a.title.cmp(&b.title)),
        "title desc" => books.sort_by(|a, b| b.title.cmp(&a.title)),
        other => {
            return Err(Status::invalid_argument(format!(
                "cannot order by `{other}`: use `name`, `title` or `title desc`"
            )))
        }
    }
    Ok(())
}

fn year_of(t: Option<&protogate::wkt::Timestamp>) -> i32 {
    // Good enough for 1900..2100, which is all the seed data holds.
    t.map_or(0, |t| {
        1970 + (t.seconds as f64 / 31_556_952.0).floor() as i32
    })
}

/// The etag after a change: `{book}-{version + 1}`.
fn next_etag(etag: &str, name: &str) -> String {
    let id = name.rsplit('/').next().unwrap_or_default();
    let version: u64 = etag
        .strip_prefix(id)
        .and_then(|v| v.strip_prefix('-'))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    format!("{id}-{}", version + 1)
}

/// Copies the fields named by `mask` from `patch` into `book`.
/// Applies `mask`'s fields of `patch` to `book`. A mask the server filled from the body
/// (grpc-gateway's PATCH) may name `name`, which the path already set (AIP-134 ignores it), and
/// nested paths, which update their top-level field.
fn apply_mask(book: &mut lib::Book, patch: lib::Book, mask: &[String]) -> Result<(), Status> {
    for path in mask {
        match path.split('.').next().unwrap_or_default() {
            "name" => {}
            "title" => book.title = patch.title.clone(),
            "display_title" | "displayName" => book.display_title = patch.display_title.clone(),
            "page_count" | "pageCount" => book.page_count = patch.page_count,
            "labels" => book.labels = patch.labels.clone(),
            "subtitle" => book.subtitle = patch.subtitle.clone(),
            other => {
                return Err(Status::invalid_argument(format!(
                    "`{other}` cannot be updated"
                )))
            }
        }
    }
    Ok(())
}

impl lib::BookServiceHandler for Library {
    async fn list_books(
        &self,
        _: &RequestContext,
        r: lib::ListBooksRequest,
    ) -> Result<lib::ListBooksResponse, Status> {
        let state = self.state()?;
        state.shelf(&r.shelf)?;
        let mut books: Vec<lib::Book> = state
            .books_on(&r.shelf)
            .into_iter()
            .filter(|b| r.authors.is_empty() || b.authors.iter().any(|a| r.authors.contains(a)))
            .filter(|b| r.format == 0 || b.format == r.format)
            .filter(|b| r.genres.is_empty() || b.genres.iter().any(|g| r.genres.contains(g)))
            .filter(|b| {
                let Some(range) = &r.published else {
                    return true;
                };
                let year = year_of(b.publish_time.as_ref());
                (range.start_year == 0 || year >= range.start_year)
                    && (range.end_year == 0 || year <= range.end_year)
            })
            .collect();
        sort_books(&mut books, &r.order_by)?;
        let total_size = books.len() as i32;
        let (books, next_page_token) = page(&books, r.page_size, &r.page_token)?;
        Ok(lib::ListBooksResponse {
            books,
            next_page_token,
            total_size,
        })
    }

    async fn get_book(
        &self,
        _: &RequestContext,
        r: lib::GetBookRequest,
    ) -> Result<lib::Book, Status> {
        if r.name.starts_with(SLOW_SHELF) {
            tokio::time::sleep(SLOW).await;
        }
        let book = self.state()?.book(&r.name)?.clone();
        let Some(mask) = r.read_mask.filter(|m| !m.paths.is_empty()) else {
            return Ok(book);
        };
        let mut out = lib::Book {
            name: book.name.clone(),
            ..Default::default()
        };
        apply_mask(&mut out, book, &mask.paths)?;
        Ok(out)
    }

    async fn create_book(
        &self,
        _: &RequestContext,
        r: lib::CreateBookRequest,
    ) -> Result<lib::Book, Status> {
        let mut state = self.state()?;
        state.shelf(&r.shelf)?;
        let mut book = r.book.unwrap_or_default();
        let id = if r.book_id.is_empty() {
            format!("b{}", state.books.len() + 1)
        } else {
            r.book_id
        };
        book.name = format!("shelves/{}/books/{id}", r.shelf);
        if state.books.contains_key(&book.name) {
            return Err(Status::already_exists(format!(
                "book `{}` already exists",
                book.name
            )));
        }
        book.create_time = Some(now());
        book.update_time = Some(now());
        book.etag = format!("{id}-1");
        state.books.insert(book.name.clone(), book.clone());
        Ok(book)
    }

    async fn update_book(
        &self,
        _: &RequestContext,
        r: lib::UpdateBookRequest,
    ) -> Result<lib::Book, Status> {
        let patch = r.book.unwrap_or_default();
        let mut state = self.state()?;
        state.shelf(shelf_of(&patch.name))?;
        let mut book = match state.books.get(&patch.name) {
            Some(book) => book.clone(),
            None if r.allow_missing => lib::Book {
                name: patch.name.clone(),
                create_time: Some(now()),
                ..Default::default()
            },
            None => return Err(state.book(&patch.name).unwrap_err()),
        };
        let (create_time, etag) = (book.create_time, book.etag.clone());
        match r.update_mask.filter(|m| !m.paths.is_empty()) {
            Some(mask) => apply_mask(&mut book, patch, &mask.paths)?,
            None => book = patch,
        }
        book.create_time = create_time;
        book.update_time = Some(now());
        book.etag = next_etag(&etag, &book.name);
        state.books.insert(book.name.clone(), book.clone());
        Ok(book)
    }

    async fn delete_book(
        &self,
        _: &RequestContext,
        r: lib::DeleteBookRequest,
    ) -> Result<pbjson_types::Empty, Status> {
        let mut state = self.state()?;
        let book = state.book(&r.name)?;
        if !r.etag.is_empty() && r.etag != book.etag {
            return Err(Status::aborted(format!(
                "etag `{}` does not match the current etag of `{}`",
                r.etag, r.name
            )));
        }
        state.books.remove(&r.name);
        Ok(pbjson_types::Empty {})
    }

    async fn checkout_book(
        &self,
        ctx: &RequestContext,
        r: lib::CheckoutBookRequest,
    ) -> Result<lib::Loan, Status> {
        let caller = ctx
            .caller
            .as_ref()
            .ok_or_else(|| Status::unauthenticated("sign in to borrow books"))?;
        let mut state = self.state()?;
        state.book(&r.name)?;
        if state
            .loans
            .values()
            .any(|l| l.book == r.name && l.state == lib::loan::State::Active as i32)
        {
            return Err(Status::failed_precondition(format!(
                "book `{}` is already on loan",
                r.name
            )));
        }
        let period = r.loan_period.unwrap_or_else(|| duration(DEFAULT_LOAN));
        let mut due = now();
        due.seconds += period.seconds;
        let loan = lib::Loan {
            name: format!("loans/{}", state.next_loan),
            book: r.name,
            borrower: Some(lib::Patron {
                patron_id: r.patron_id,
                display_name: caller.subject.clone(),
                ..Default::default()
            }),
            state: lib::loan::State::Active as i32,
            checkout_time: Some(now()),
            due_time: Some(due),
            loan_period: Some(period),
            ..Default::default()
        };
        state.next_loan += 1;
        state.loans.insert(loan.name.clone(), loan.clone());
        Ok(loan)
    }

    async fn book_exists(
        &self,
        _: &RequestContext,
        r: lib::BookExistsRequest,
    ) -> Result<pbjson_types::Empty, Status> {
        self.state()?.book(&r.name)?;
        Ok(pbjson_types::Empty {})
    }

    async fn batch_get_books(
        &self,
        _: &RequestContext,
        r: lib::BatchGetBooksRequest,
    ) -> Result<lib::BatchGetBooksResponse, Status> {
        let state = self.state()?;
        state.shelf(&r.shelf)?;
        let mut out = lib::BatchGetBooksResponse::default();
        for name in r.names {
            match state.books.get(&name) {
                Some(book) => out.books.push(book.clone()),
                None => out.missing_names.push(name),
            }
        }
        Ok(out)
    }

    async fn watch_books(
        &self,
        _: &RequestContext,
        r: lib::WatchBooksRequest,
    ) -> Result<ResponseStream<lib::BookEvent>, Status> {
        let state = self.state()?;
        state.shelf(&r.shelf)?;
        let mut events: Vec<Result<lib::BookEvent, Status>> = state
            .books_on(&r.shelf)
            .into_iter()
            .enumerate()
            .map(|(i, book)| {
                Ok(lib::BookEvent {
                    event_time: book.create_time,
                    resume_token: format!("{}-{i}", r.shelf),
                    event: Some(lib::book_event::Event::Created(book)),
                })
            })
            .collect();
        if let Some(seen) = events.iter().position(
            |e| matches!(e, Ok(e) if !r.resume_token.is_empty() && e.resume_token == r.resume_token),
        ) {
            events.drain(..=seen);
        }
        events.push(Ok(lib::BookEvent {
            event_time: Some(now()),
            resume_token: format!("{}-end", r.shelf),
            event: Some(lib::book_event::Event::Heartbeat(pbjson_types::Empty {})),
        }));
        if r.shelf == "faulty" {
            events.push(Err(Status::data_loss(
                "the change log of shelf `faulty` is corrupt",
            )));
        }
        Ok(Box::pin(futures_util::stream::iter(events)))
    }
}
