//! The shape of a parsed query, before anything is checked against the org's schema.
//!
//! Every name keeps the byte offset where it starts in the query text, because Salesforce points
//! at the offending token (`ERROR at Row:1:Column:8`) when a name turns out to be unknown, and
//! that check only happens after parsing.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::literal::LikePattern;

/// One parsed SOQL statement, keeping its text for error messages that echo it.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The query as received, echoed in Salesforce-style error messages.
    pub text: String,
    pub selection: Selection,
    /// The object after `FROM`, spelled as written.
    pub object: Name,
    pub filter: Option<Condition>,
    pub order_by: Vec<OrderItem>,
    pub limit: Option<Count>,
    pub offset: Option<Count>,
}

impl Query {
    /// The object type the query reads, spelled as written: the API layer checks access with it.
    pub fn object_name(&self) -> &str {
        &self.object.text
    }

    /// `SELECT COUNT()` answers with a total and no records, which the API layer shapes differently.
    pub fn is_count(&self) -> bool {
        matches!(self.selection, Selection::Count)
    }
}

/// What the query returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// `COUNT()`: only `totalSize` is answered.
    Count,
    /// A field list, in query order.
    Fields(Vec<FieldPath>),
}

/// A name with where it starts in the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub at: usize,
}

/// `Contact.Account.Name`: relationship names followed by one field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    /// The dotted segments as written; never empty.
    pub segments: Vec<String>,
    /// Byte offset of the first segment.
    pub at: usize,
}

impl FieldPath {
    /// The path as written, for messages.
    pub fn dotted(&self) -> String {
        self.segments.join(".")
    }
}

/// A WHERE tree. AND and OR never share a level unless parentheses made a new one.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    Compare(Comparison),
}

/// `field op value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub field: FieldPath,
    pub operator: Operator,
    /// One literal for every operator but `IN` / `NOT IN`, which have one or more.
    pub values: Vec<Literal>,
}

/// The comparison operators of SOQL's WHERE clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Like,
    In,
    NotIn,
}

/// A literal value, with where it starts (type mismatches point at the field, but invalid ids
/// are reported with the literal's text).
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub value: LiteralValue,
    pub at: usize,
}

/// The kinds of literal SOQL accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum LiteralValue {
    /// A quoted string, escapes decoded; `pattern` is its reading as a LIKE pattern, where
    /// `\%` and `\_` stay literal characters instead of wildcards.
    Text {
        value: String,
        pattern: LikePattern,
    },
    Integer(i64),
    Decimal(f64),
    Boolean(bool),
    Null,
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
    /// `TODAY`, `LAST_N_DAYS:7` …: a span of whole days relative to when the query runs.
    Relative(RelativeDate),
}

/// Date literals that name a span of days rather than one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelativeDate {
    Today,
    Yesterday,
    Tomorrow,
    /// The last n days and today.
    LastNDays(u32),
    /// Tomorrow and the n-1 days after it.
    NextNDays(u32),
    /// The single day n days ago.
    NDaysAgo(u32),
}

/// One ORDER BY key.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderItem {
    pub field: FieldPath,
    pub descending: bool,
    /// `NULLS FIRST` / `NULLS LAST` as written; `None` takes Salesforce's default (first when
    /// ascending, last when descending).
    pub nulls_first: Option<bool>,
}

impl OrderItem {
    /// Where nulls go once the default is applied.
    pub fn nulls_go_first(&self) -> bool {
        self.nulls_first.unwrap_or(!self.descending)
    }
}

/// A LIMIT or OFFSET number with where it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub value: u32,
    pub at: usize,
}
