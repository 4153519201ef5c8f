//! `library.v1.LoanService`, including the bidirectional loan desk: a patron shows their card,
//! then every scanned barcode (a book id) is answered with a loan or an error message.

use futures_util::StreamExt as _;
use protogate::{RequestContext, RequestStream, ResponseStream, Status};
use protogate_build_rs_test::library::v1 as lib;

use crate::store::{duration, now, Library};

const DESK_LOAN: i64 = 14 * 86_400;

fn desk_error(message: String) -> lib::LoanDeskResponse {
    lib::LoanDeskResponse {
        result: Some(lib::loan_desk_response::Result::ErrorMessage(message)),
    }
}

impl Library {
    /// The answer to one scan at the loan desk.
    fn desk_scan(&self, patron: Option<&lib::Patron>, barcode: &str) -> lib::LoanDeskResponse {
        let Some(patron) = patron else {
            return desk_error("identify a patron before scanning books".into());
        };
        let Ok(mut state) = self.state() else {
            return desk_error("the desk is out of order".into());
        };
        let Some(book) = state
            .books
            .keys()
            .find(|name| name.rsplit('/').next() == Some(barcode))
            .cloned()
        else {
            return desk_error(format!("unknown barcode `{barcode}`"));
        };
        if state
            .loans
            .values()
            .any(|l| l.book == book && l.state == lib::loan::State::Active as i32)
        {
            return desk_error(format!("book `{book}` is already on loan"));
        }
        let mut due = now();
        due.seconds += DESK_LOAN;
        let loan = lib::Loan {
            name: format!("loans/{}", state.next_loan),
            book,
            borrower: Some(patron.clone()),
            state: lib::loan::State::Active as i32,
            checkout_time: Some(now()),
            due_time: Some(due),
            loan_period: Some(duration(DESK_LOAN)),
            ..Default::default()
        };
        state.next_loan += 1;
        state.loans.insert(loan.name.clone(), loan.clone());
        lib::LoanDeskResponse {
            result: Some(lib::loan_desk_response::Result::Loan(loan)),
        }
    }
}

/// What the desk remembers between messages.
struct Desk {
    library: Library,
    requests: RequestStream<lib::LoanDeskRequest>,
    patron: Option<lib::Patron>,
}

impl lib::LoanServiceHandler for Library {
    async fn get_loan(
        &self,
        _: &RequestContext,
        r: lib::GetLoanRequest,
    ) -> Result<lib::Loan, Status> {
        self.state()?
            .loans
            .get(&r.name)
            .cloned()
            .ok_or_else(|| Status::not_found(format!("loan `{}` does not exist", r.name)))
    }

    async fn cancel_loan(
        &self,
        _: &RequestContext,
        r: lib::CancelLoanRequest,
    ) -> Result<lib::Loan, Status> {
        let mut state = self.state()?;
        let loan = state
            .loans
            .get_mut(&r.name)
            .ok_or_else(|| Status::not_found(format!("loan `{}` does not exist", r.name)))?;
        if loan.state != lib::loan::State::Active as i32 {
            return Err(Status::failed_precondition(format!(
                "loan `{}` is not active",
                r.name
            )));
        }
        loan.state = lib::loan::State::Cancelled as i32;
        Ok(loan.clone())
    }

    async fn loan_desk(
        &self,
        _: &RequestContext,
        requests: RequestStream<lib::LoanDeskRequest>,
    ) -> Result<ResponseStream<lib::LoanDeskResponse>, Status> {
        // The stream outlives the call: it holds its own handle on the shared state.
        let desk = Desk {
            library: self.clone(),
            requests,
            patron: None,
        };
        let responses = futures_util::stream::unfold(desk, |mut desk| async move {
            use lib::loan_desk_request::Action;
            loop {
                let request = match desk.requests.next().await? {
                    Ok(request) => request,
                    Err(status) => return Some((Err(status), desk)),
                };
                let response = match request.action {
                    Some(Action::IdentifyPatron(patron)) => {
                        desk.patron = Some(patron);
                        continue;
                    }
                    Some(Action::ScanBarcode(barcode)) => {
                        desk.library.desk_scan(desk.patron.as_ref(), &barcode)
                    }
                    Some(Action::Finish(_)) => return None,
                    None => desk_error("empty message".into()),
                };
                return Some((Ok(response), desk));
            }
        });
        Ok(Box::pin(responses))
    }
}
