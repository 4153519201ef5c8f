//! A valid message whose `cel` rules need no allocation validates without allocating: strings
//! are compared as `&str`, macros are iterator chains, regexes are compiled once.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use protogate::Validate as _;
use protogate_cel_test::celrules::Account;

struct Counting;

thread_local! {
    // Per thread: allocations of the harness's other threads must not count.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn cel_rules_on_a_valid_message_allocate_nothing() {
    let account = Account {
        handle: "@ada_l".into(),
        soft_limit: 10,
        hard_limit: 30,
        roles: vec!["admin".into(), "viewer".into()],
        quotas: [("cpu".to_string(), 4)].into_iter().collect(),
        created: Some(protogate::wkt::Timestamp {
            seconds: 1_700_000_000,
            nanos: 0,
        }),
    };
    // The first run compiles the regex; it is kept for the process.
    assert!(account.validate_all().is_ok());
    let before = ALLOCATIONS.with(Cell::get);
    for _ in 0..1000 {
        assert!(account.validate().is_ok());
        assert!(account.validate_all().is_ok());
    }
    assert_eq!(ALLOCATIONS.with(Cell::get) - before, 0);
    let broken = Account {
        handle: "ada".into(),
        ..account
    };
    assert_eq!(
        broken
            .validate_all()
            .map_err(|v| v.iter().map(|v| v.rule).collect::<Vec<_>>()),
        Err(vec!["handle.shape"])
    );
}
