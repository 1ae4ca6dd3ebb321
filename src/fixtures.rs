//! Fixture certificates and keys: the committed ones under fixtures/ and the date-relative ones made with rcgen.
