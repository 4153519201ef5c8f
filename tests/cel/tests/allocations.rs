//! A valid message whose `cel` rules need no allocation validates without allocating: strings
//! are compared as `&str`, macros are iterator chains, regexes are compiled once.

use protogate::Validate as _;
use protogate_cel_test::allocations::{allocations, CountingAllocator};
use protogate_cel_test::celrules::Account;

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

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
    let before = allocations();
    for _ in 0..1000 {
        assert!(account.validate().is_ok());
        assert!(account.validate_all().is_ok());
    }
    assert_eq!(allocations() - before, 0);
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
