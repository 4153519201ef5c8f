//! Where a predefined rule's expressions are declared, for its diagnostics.

use super::Builder;
use crate::model::PredefinedRule;

impl Builder<'_> {
    /// Points each CEL rule of a predefined rule at its expression in the extension's
    /// declaration (`[(buf.validate.predefined).cel = {…}]`), where a type error is fixed.
    pub(super) fn locate_predefined_cel(&self, rule: &mut PredefinedRule) {
        let Some(ext) = self.input.pool.get_extension_by_name(&rule.extension) else {
            return;
        };
        let Some(option) = self.input.pool.get_extension_by_name(super::PV_PREDEFINED) else {
            return;
        };
        for cel in &mut rule.cel {
            let mut path = ext.path().to_vec();
            // FieldDescriptorProto.options, the option, PredefinedRules.cel, the item.
            path.extend([8, option.number() as i32, 1, cel.index as i32]);
            cel.location = self.locate(&ext.parent_file(), &path);
        }
    }
}
