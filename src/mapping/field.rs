//! What went wrong with one field of one rule, for one event: the answer a rule gives when it
//! cannot make its command, told in the rule author's terms.

/// What went wrong with one field of one rule, for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    /// The rule field: `subject`, `provision.contact.email`.
    pub field: String,
    pub problem: FieldProblem,
}

/// Why a field has no usable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldProblem {
    /// The event lacks a field the template reads.
    Missing(String),
    /// The template rendered nothing (or only spaces) where a value is required.
    Empty,
    /// The rendered value is not acceptable; the text says why (without personal data).
    Invalid(String),
    /// The template failed otherwise (a filter refused its input, a list rendered as text).
    Failed(String),
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let field = &self.field;
        match &self.problem {
            FieldProblem::Missing(path) => {
                write!(f, "field {path} is missing (needed by {field})")
            }
            FieldProblem::Empty => write!(f, "{field} is empty"),
            FieldProblem::Invalid(why) | FieldProblem::Failed(why) => {
                write!(f, "{field}: {why}")
            }
        }
    }
}
