//! `code_registry!`: one declarative list of a wire code's named values, from which its newtype is built.
//!
//! A wire code is a newtype over its integer, so an unknown value survives decoding and reaches the report.
//! Each row `CONST => value => "name"` is written once; the macro turns the list into
//!
//! - the newtype `pub struct X(pub uN)` with the attributes given (derives, doc comment),
//! - one associated constant per row (`X::CONST`), with the row's doc comment,
//! - `X::ALL`, an array of every named value in list order,
//! - `name()`, the row's name or `None`, and `from_name()`, its inverse,
//! - `Display`: the name, or the `unknown` format given (e.g. `unknown(0x{:04x})`) for any other value,
//! - `Debug` as `Display`, so `{:?}` in errors and test failures reads like the report.
//!
//! A value or a name listed twice is an unreachable match arm, which `-D warnings` turns into a build error.

/// Builds a wire-code newtype from one list of rows; see the module documentation.
///
/// ```ignore
/// code_registry! {
///     /// RDP_NEG_FAILURE failureCode, MS-RDPBCGR 2.2.1.2.2.
///     #[derive(Clone, Copy, PartialEq, Eq, Hash)]
///     pub struct FailureCode(u32);
///     unknown = "unknown(0x{:02x})";
///     SSL_REQUIRED_BY_SERVER => 1 => "SSL_REQUIRED_BY_SERVER",
/// }
/// ```
macro_rules! code_registry {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident($repr:ty);
        unknown = $unknown:literal;
        $(
            $(#[$row_meta:meta])*
            $konst:ident => $value:literal => $display:literal,
        )+
    ) => {
        $(#[$meta])*
        $vis struct $name(pub $repr);

        impl $name {
            $(
                $(#[$row_meta])*
                pub const $konst: Self = Self($value);
            )+

            /// Every named value, in registry order.
            pub const ALL: [Self; [$(stringify!($konst)),+].len()] = [$(Self::$konst),+];

            /// The registry name, or `None` for a value without one.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some($display),)+
                    _ => None,
                }
            }

            /// The value a registry name stands for: the inverse of [`name`](Self::name).
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($display => Some(Self::$konst),)+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, $unknown, self.0),
                }
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(self, f)
            }
        }
    };
}

pub(crate) use code_registry;

/// The names of the flags set in `bits`, in `table` order; the bits no name covers as one `unknown(0x..)`.
pub(crate) fn flag_names(
    bits: u32,
    table: impl IntoIterator<Item = (u32, &'static str)>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = bits;
    for (flag, name) in table {
        if bits & flag == flag {
            out.push(name.to_string());
            rest &= !flag;
        }
    }
    if rest != 0 {
        out.push(format!("unknown(0x{rest:02x})"));
    }
    out
}

#[cfg(test)]
mod tests {
    code_registry! {
        /// A registry used only to test the macro.
        #[derive(Clone, Copy, PartialEq, Eq)]
        struct Sample(u16);
        unknown = "unknown(0x{:04x})";
        /// A row with a doc comment.
        ONE => 1 => "one",
        BIG => 0xFF01 => "big_value",
    }

    #[test]
    fn rows_become_constants_names_and_a_list() {
        assert_eq!(Sample::ONE.0, 1);
        assert_eq!(Sample::ALL, [Sample::ONE, Sample::BIG]);
        assert_eq!(Sample::BIG.name(), Some("big_value"));
        assert_eq!(Sample(2).name(), None);
        assert_eq!(Sample::from_name("one"), Some(Sample::ONE));
        assert_eq!(Sample::from_name("ONE"), None);
    }

    #[test]
    fn display_and_debug_print_the_name_or_the_unknown_form() {
        assert_eq!(Sample::BIG.to_string(), "big_value");
        assert_eq!(format!("{:?}", Sample::ONE), "one");
        assert_eq!(Sample(0x0a0a).to_string(), "unknown(0x0a0a)");
        assert_eq!(format!("{:?}", Sample(7)), "unknown(0x0007)");
    }
}
