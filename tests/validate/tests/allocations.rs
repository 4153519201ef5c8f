//! Validating a valid message allocates nothing: a counting global allocator around
//! `validate()` and `validate_all()` of a VerifyMyPhoneRequest-shaped message.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use protogate::Validate as _;
use protogate_validate_test::pgvcases::{MsgNested, RepItems, VerifyMyPhoneRequest};

struct Counting;

thread_local! {
    // Per thread: the test harness runs tests side by side, and another test's
    // allocations must not count against the one measuring.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // `try_with`: the slot may already be gone while a thread shuts down.
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_of(f: impl Fn()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    for _ in 0..1000 {
        f();
    }
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn validating_a_valid_message_allocates_nothing() {
    let request = VerifyMyPhoneRequest {
        code: "H83J3".into(),
    };
    let nested = MsgNested {
        val: Some(protogate_validate_test::pgvcases::Inner { name: "a".into() }),
    };
    let items = RepItems {
        val: vec!["ab".into(), "éé".into()],
    };
    assert_eq!(allocations_of(|| assert!(request.validate().is_ok())), 0);
    assert_eq!(
        allocations_of(|| assert!(request.validate_all().is_ok())),
        0
    );
    assert_eq!(allocations_of(|| assert!(nested.validate().is_ok())), 0);
    assert_eq!(allocations_of(|| assert!(items.validate_all().is_ok())), 0);
}

#[test]
fn validating_a_valid_protovalidate_message_allocates_nothing() {
    use protogate_validate_test::pvcases::{Leaf, MapInts, MapStrings};
    let strings = MapStrings {
        val: [("ab".to_string(), "xyz".to_string())]
            .into_iter()
            .collect(),
    };
    let leaves = MapInts {
        val: [(
            7,
            Leaf {
                name: "ab".into(),
                n: 1,
            },
        )]
        .into_iter()
        .collect(),
    };
    // Built outside the measured closures: only validation is counted.
    assert_eq!(
        allocations_of(|| assert!(strings.validate_all().is_ok())),
        0
    );
    assert_eq!(allocations_of(|| assert!(leaves.validate_all().is_ok())), 0);
}
