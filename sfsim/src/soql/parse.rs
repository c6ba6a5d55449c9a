//! From query text to [`Query`], with Salesforce's `MALFORMED_QUERY` for anything the grammar
//! (`soql.pest`) refuses.

use chrono::NaiveDate;
use pest::Parser;
use pest::error::InputLocation;
use pest::iterators::Pair;

use super::ast::{
    Comparison, Condition, Count, FieldPath, Literal, LiteralValue, Name, Operator, OrderItem,
    Query, RelativeDate, Selection,
};
use super::error::{malformed, unexpected_token};
use super::literal::{decode_string, parse_datetime};
use crate::error::ApiError;

#[derive(pest_derive::Parser)]
#[grammar = "soql/soql.pest"]
struct Grammar;

/// Parentheses deeper than this are refused before parsing: the parser and the evaluator recurse
/// once per level, and no real query needs more.
const MAX_NESTING: usize = 32;

/// Parses one SOQL statement. Only syntax is checked here; names and literal types are checked
/// against the org when the query runs.
pub fn parse(text: &str) -> Result<Query, ApiError> {
    if let Some(at) = too_deep(text) {
        return Err(unexpected_token(text, at));
    }
    let mut pairs = Grammar::parse(Rule::query, text).map_err(|e| {
        let at = match e.location {
            InputLocation::Pos(at) | InputLocation::Span((at, _)) => at,
        };
        unexpected_token(text, at)
    })?;
    let Some(root) = pairs.next() else {
        return Err(unexpected_token(text, 0));
    };
    Build { text }.query(root)
}

/// Where the parentheses first nest deeper than [`MAX_NESTING`], outside string literals.
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                '\\' if !escaped => escaped = true,
                '\'' if !escaped => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '\'' => in_string = true,
            '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Turns the grammar's parse tree into the AST. The grammar fixes each node's children, so a
/// missing child can only mean the grammar and this code disagree; it is still answered as a
/// malformed query rather than a panic.
struct Build<'t> {
    text: &'t str,
}

impl Build<'_> {
    fn query(&self, root: Pair<'_, Rule>) -> Result<Query, ApiError> {
        let mut selection = None;
        let mut object = None;
        let (mut filter, mut order_by, mut limit, mut offset) = (None, Vec::new(), None, None);
        for pair in root.into_inner() {
            match pair.as_rule() {
                Rule::selection => selection = Some(self.selection(pair)?),
                Rule::object_name => object = Some(name(&pair)),
                Rule::where_clause => filter = Some(self.condition(self.last(pair)?)?),
                Rule::order_clause => order_by = self.order(pair)?,
                Rule::limit_clause => limit = Some(self.count(self.last(pair)?)?),
                Rule::offset_clause => offset = Some(self.count(self.last(pair)?)?),
                _ => {}
            }
        }
        Ok(Query {
            text: self.text.to_owned(),
            selection: selection.ok_or_else(|| unexpected_token(self.text, 0))?,
            object: object.ok_or_else(|| unexpected_token(self.text, 0))?,
            filter,
            order_by,
            limit,
            offset,
        })
    }

    fn selection(&self, pair: Pair<'_, Rule>) -> Result<Selection, ApiError> {
        let inner = self.last(pair)?;
        Ok(match inner.as_rule() {
            Rule::count_all => Selection::Count,
            _ => Selection::Fields(inner.into_inner().map(|p| field_path(&p)).collect()),
        })
    }

    fn condition(&self, pair: Pair<'_, Rule>) -> Result<Condition, ApiError> {
        match pair.as_rule() {
            Rule::condition => {
                let mut inner = pair.into_inner();
                let first = self.condition(self.next(&mut inner, 0)?)?;
                let Some(chain) = inner.next() else {
                    return Ok(first);
                };
                let is_and = chain.as_rule() == Rule::and_chain;
                let mut operands = vec![first];
                for operand in chain.into_inner().filter(|p| p.as_rule() == Rule::operand) {
                    operands.push(self.condition(operand)?);
                }
                Ok(if is_and {
                    Condition::And(operands)
                } else {
                    Condition::Or(operands)
                })
            }
            Rule::operand | Rule::group => self.condition(self.last(pair)?),
            Rule::negation => Ok(Condition::Not(Box::new(self.condition(self.last(pair)?)?))),
            Rule::comparison => self.comparison(pair).map(Condition::Compare),
            _ => Err(unexpected_token(self.text, pair.as_span().start())),
        }
    }

    fn comparison(&self, pair: Pair<'_, Rule>) -> Result<Comparison, ApiError> {
        let at = pair.as_span().start();
        let mut inner = pair.into_inner();
        let field = field_path(&self.next(&mut inner, at)?);
        let test = self.next(&mut inner, at)?;
        let test_rule = test.as_rule();
        let mut parts = test.into_inner();
        let head = self.next(&mut parts, at)?;
        let operator = match (test_rule, head.as_rule()) {
            (Rule::set_test, Rule::not_in) => Operator::NotIn,
            (Rule::set_test, _) => Operator::In,
            (Rule::like_test, _) => Operator::Like,
            _ => match head.as_str() {
                "=" => Operator::Eq,
                "!=" | "<>" => Operator::Ne,
                "<" => Operator::Lt,
                ">" => Operator::Gt,
                "<=" => Operator::Le,
                _ => Operator::Ge,
            },
        };
        let values = parts
            .map(|p| self.literal(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Comparison {
            field,
            operator,
            values,
        })
    }

    fn literal(&self, pair: Pair<'_, Rule>) -> Result<Literal, ApiError> {
        let at = pair.as_span().start();
        let inner = self.last(pair)?;
        let raw = inner.as_str();
        let refuse = || malformed(self.text, at, &format!("unexpected token: '{raw}'"));
        let value = match inner.as_rule() {
            Rule::string => {
                let body = inner.into_inner().next().map_or("", |b| b.as_str());
                let (value, pattern) = decode_string(body);
                LiteralValue::Text { value, pattern }
            }
            Rule::datetime => LiteralValue::DateTime(parse_datetime(raw).ok_or_else(refuse)?),
            Rule::date => LiteralValue::Date(
                NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| refuse())?,
            ),
            // An integer too large for i64 is still a number; doubles take it.
            Rule::integer => match raw.parse::<i64>() {
                Ok(n) => LiteralValue::Integer(n),
                Err(_) => LiteralValue::Decimal(raw.parse().map_err(|_| refuse())?),
            },
            Rule::decimal => LiteralValue::Decimal(raw.parse().map_err(|_| refuse())?),
            Rule::k_true => LiteralValue::Boolean(true),
            Rule::k_false => LiteralValue::Boolean(false),
            Rule::k_null => LiteralValue::Null,
            Rule::relative_date => LiteralValue::Relative(self.relative(inner)?),
            _ => return Err(refuse()),
        };
        Ok(Literal { value, at })
    }

    fn relative(&self, pair: Pair<'_, Rule>) -> Result<RelativeDate, ApiError> {
        let at = pair.as_span().start();
        let inner = self.last(pair)?;
        Ok(match inner.as_rule() {
            Rule::k_today => RelativeDate::Today,
            Rule::k_yesterday => RelativeDate::Yesterday,
            Rule::k_tomorrow => RelativeDate::Tomorrow,
            _ => {
                let mut parts = inner.into_inner();
                let unit = self.next(&mut parts, at)?.as_str().to_ascii_uppercase();
                let count = self.next(&mut parts, at)?;
                let n: u32 = count
                    .as_str()
                    .parse()
                    .map_err(|_| unexpected_token(self.text, count.as_span().start()))?;
                match unit.as_str() {
                    "LAST_N_DAYS" => RelativeDate::LastNDays(n),
                    "NEXT_N_DAYS" => RelativeDate::NextNDays(n),
                    _ => RelativeDate::NDaysAgo(n),
                }
            }
        })
    }

    fn order(&self, pair: Pair<'_, Rule>) -> Result<Vec<OrderItem>, ApiError> {
        let mut items = Vec::new();
        for item in pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::order_item)
        {
            let at = item.as_span().start();
            let mut inner = item.into_inner();
            let field = field_path(&self.next(&mut inner, at)?);
            let (mut descending, mut nulls_first) = (false, None);
            for modifier in inner {
                match modifier.as_rule() {
                    Rule::direction => {
                        descending = self.last(modifier)?.as_rule() == Rule::k_desc;
                    }
                    _ => nulls_first = Some(self.last(modifier)?.as_rule() == Rule::k_first),
                }
            }
            items.push(OrderItem {
                field,
                descending,
                nulls_first,
            });
        }
        Ok(items)
    }

    fn count(&self, pair: Pair<'_, Rule>) -> Result<Count, ApiError> {
        let at = pair.as_span().start();
        let value = pair
            .as_str()
            .parse()
            .map_err(|_| unexpected_token(self.text, at))?;
        Ok(Count { value, at })
    }

    /// The last child of a node: the interesting one after any keyword.
    fn last<'i>(&self, pair: Pair<'i, Rule>) -> Result<Pair<'i, Rule>, ApiError> {
        let at = pair.as_span().start();
        pair.into_inner()
            .last()
            .ok_or_else(|| unexpected_token(self.text, at))
    }

    fn next<'i>(
        &self,
        pairs: &mut pest::iterators::Pairs<'i, Rule>,
        at: usize,
    ) -> Result<Pair<'i, Rule>, ApiError> {
        pairs.next().ok_or_else(|| unexpected_token(self.text, at))
    }
}

fn name(pair: &Pair<'_, Rule>) -> Name {
    Name {
        text: pair.as_str().to_owned(),
        at: pair.as_span().start(),
    }
}

fn field_path(pair: &Pair<'_, Rule>) -> FieldPath {
    FieldPath {
        segments: pair.as_str().split('.').map(str::to_owned).collect(),
        at: pair.as_span().start(),
    }
}
