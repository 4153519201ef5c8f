//! Closed by default: a validation rule the generated validators cannot enforce stops the
//! generation unless the user opted out, so a server never runs without a rule its schema
//! declares.

use crate::diag::{Diagnostics, Severity};
use crate::model::build::UnenforcedRules;

/// The code of the diagnostic every unenforceable rule is reported with.
pub const CODE: &str = "rule-unsupported";

/// Makes every `rule-unsupported` diagnostic an error under [`UnenforcedRules::Deny`]; under
/// [`UnenforcedRules::Warn`] they stay warnings.
pub fn apply(policy: UnenforcedRules, diags: &mut Diagnostics) {
    if policy == UnenforcedRules::Warn {
        return;
    }
    for diag in diags.0.iter_mut().filter(|d| d.code == CODE) {
        diag.severity = Severity::Error;
        diag.hint = Some(
            "a validator without this rule would accept what the schema rejects; to generate \
             anyway and enforce the rule in the handler, call \
             `Builder::allow_unenforced_rules()` or pass `--allow-unenforced-rules`"
                .to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Location};

    fn unsupported() -> Diagnostics {
        Diagnostics(vec![
            Diagnostic::warning(
                CODE,
                Location::new("a.proto", 3, 5),
                "rule `x` is not enforced",
            ),
            Diagnostic::warning("other", Location::new("a.proto", 4, 1), "unrelated"),
        ])
    }

    #[test]
    fn deny_makes_unenforced_rules_errors_that_name_the_opt_out() {
        let mut diags = unsupported();
        apply(UnenforcedRules::Deny, &mut diags);
        assert!(diags.0[0].is_error());
        let text = diags.0[0].to_string();
        assert!(text.contains("a.proto:3:5"), "{text}");
        assert!(text.contains("--allow-unenforced-rules"), "{text}");
        assert!(!diags.0[1].is_error(), "other warnings stay warnings");
    }

    #[test]
    fn warn_leaves_them_warnings() {
        let mut diags = unsupported();
        apply(UnenforcedRules::Warn, &mut diags);
        assert!(!diags.has_errors());
    }
}
