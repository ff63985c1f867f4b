//! Check codes: every finding has a stable, documented code (`drift.psi`,
//! `schema.missing-column`, …) that users grep, waive and look up with `mlgate explain`.
//!
//! Each gate declares its codes once, as a closed enum in its own `codes.rs`, with the
//! [`check_codes!`] macro; `gates::codes()` (and the review's own list) iterate them for
//! `mlgate explain` and the docs. A snapshot test keeps the full list under review.

/// What every gate's code enum provides.
pub trait CheckCode: Copy + 'static {
    /// Every code of the enum, in declaration order.
    const ALL: &'static [Self];
    /// The code as written in results, e.g. `drift.psi`.
    fn as_str(self) -> &'static str;
    /// One sentence on what the check means and when it fails.
    fn description(self) -> &'static str;
}

/// `(code, description)` of every code of one enum.
pub fn listing<C: CheckCode>() -> impl Iterator<Item = (&'static str, &'static str)> {
    C::ALL.iter().map(|c| (c.as_str(), c.description()))
}

/// Declares a gate's check codes:
///
/// ```ignore
/// check_codes! {
///     /// Check codes of the drift gate.
///     pub enum Code {
///         Psi = "drift.psi": "Population Stability Index … above its level.",
///     }
/// }
/// ```
#[macro_export]
macro_rules! check_codes {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal : $desc:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $crate::codes::CheckCode for $name {
            const ALL: &'static [$name] = &[$($name::$variant,)+];
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }
            fn description(self) -> &'static str {
                match self { $($name::$variant => $desc,)+ }
            }
        }

        impl $name {
            /// The code as written in results.
            pub fn as_str(self) -> &'static str {
                <$name as $crate::codes::CheckCode>::as_str(self)
            }

            /// The code written as `s`, if it is one of this enum's.
            pub fn parse(s: &str) -> Option<$name> {
                <$name as $crate::codes::CheckCode>::ALL.iter().copied().find(|c| c.as_str() == s)
            }
        }

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.as_str().to_string()
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == other.as_str()
            }
        }
    };
}
