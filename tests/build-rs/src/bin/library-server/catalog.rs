//! `library.v1.ShelfService` and `library.v1.AuthorService`.

use protogate::{RequestContext, Status};
use protogate_build_rs_test::library::v1 as lib;

use crate::store::{now, page, Library};

impl lib::ShelfServiceHandler for Library {
    async fn create_shelf(
        &self,
        _: &RequestContext,
        r: lib::CreateShelfRequest,
    ) -> Result<lib::Shelf, Status> {
        let mut shelf = r.shelf.unwrap_or_default();
        let mut state = self.state()?;
        if state.shelves.contains_key(&shelf.id) {
            return Err(Status::already_exists(format!(
                "shelf `{}` already exists",
                shelf.id
            )));
        }
        shelf.create_time = Some(now());
        shelf.book_count = 0;
        if !r.validate_only {
            state.shelves.insert(shelf.id.clone(), shelf.clone());
        }
        Ok(shelf)
    }

    async fn get_shelf(
        &self,
        _: &RequestContext,
        r: lib::GetShelfRequest,
    ) -> Result<lib::Shelf, Status> {
        let state = self.state()?;
        let mut shelf = state.shelf(&r.shelf)?.clone();
        shelf.book_count = state.books_on(&r.shelf).len() as i32;
        Ok(shelf)
    }

    async fn list_shelves(
        &self,
        _: &RequestContext,
        r: lib::ListShelvesRequest,
    ) -> Result<lib::ListShelvesResponse, Status> {
        let state = self.state()?;
        let shelves: Vec<lib::Shelf> = state
            .shelves
            .values()
            .map(|s| lib::Shelf {
                book_count: state.books_on(&s.id).len() as i32,
                ..s.clone()
            })
            .collect();
        let total_size = shelves.len() as i32;
        let (shelves, next_page_token) = page(&shelves, r.page_size, &r.page_token)?;
        Ok(lib::ListShelvesResponse {
            shelves,
            next_page_token,
            total_size,
        })
    }

    async fn update_shelf(
        &self,
        _: &RequestContext,
        r: lib::UpdateShelfRequest,
    ) -> Result<lib::Shelf, Status> {
        let mut shelf = r.shelf.unwrap_or_default();
        let mut state = self.state()?;
        let create_time = match state.shelves.get(&shelf.id) {
            Some(old) => old.create_time,
            None if r.allow_missing == Some(true) => Some(now()),
            None => return Err(state.shelf(&shelf.id).unwrap_err()),
        };
        shelf.create_time = create_time;
        shelf.book_count = state.books_on(&shelf.id).len() as i32;
        state.shelves.insert(shelf.id.clone(), shelf.clone());
        Ok(shelf)
    }

    async fn delete_shelf(
        &self,
        _: &RequestContext,
        r: lib::DeleteShelfRequest,
    ) -> Result<pbjson_types::Empty, Status> {
        let mut state = self.state()?;
        state.shelf(&r.shelf)?;
        let books = state.books_on(&r.shelf);
        if !books.is_empty() && !r.force {
            return Err(Status::failed_precondition(format!(
                "shelf `{}` still holds {} books; set force to delete them too",
                r.shelf,
                books.len()
            )));
        }
        for book in books {
            state.books.remove(&book.name);
        }
        state.shelves.remove(&r.shelf);
        Ok(pbjson_types::Empty {})
    }
}

impl lib::AuthorServiceHandler for Library {
    async fn get_author(
        &self,
        _: &RequestContext,
        r: lib::GetAuthorRequest,
    ) -> Result<lib::Author, Status> {
        self.state()?
            .authors
            .get(&r.name)
            .cloned()
            .ok_or_else(|| Status::not_found(format!("author `{}` does not exist", r.name)))
    }
}
