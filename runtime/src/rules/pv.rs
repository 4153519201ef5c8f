//! protovalidate's wording of the standard rules (`buf.validate`): the same checks as the PGV
//! functions, with protovalidate's rule ids and messages.
