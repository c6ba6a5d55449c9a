//! The rule language: minijinja expressions for conditions and lists, minijinja templates for
//! values, set up so that a mistake is loud.
//!
//! - Undefined is strict: a template that reads a field the event lacks fails, and the failure
//!   names the field, instead of quietly rendering an empty string into a username.
//! - `null` renders as nothing (minijinja would print `none`), so it counts as empty.
//! - A list or map rendered into a text field is an error, not its debug form.
//! - Nothing is HTML-escaped: values go to Salesforce fields, not to web pages.

use minijinja::value::ValueKind;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value};

use super::field::{FieldError, FieldProblem};
use super::missing::describe_failure;

/// The environment every rule of every source compiles into.
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_debug(true);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_formatter(|out, _state, value| match value.kind() {
        ValueKind::None => Ok(()),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable | ValueKind::Plain => {
            Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("is a {}, not a text value", value.kind()),
            ))
        }
        _ => write!(out, "{value}").map_err(|e| {
            Error::new(ErrorKind::WriteFailure, "the value could not be written").with_source(e)
        }),
    });
    env
}

/// Whether a template is plain text, so its value can be checked when the config loads.
pub(crate) fn is_literal(source: &str) -> bool {
    !(source.contains("{{") || source.contains("{%") || source.contains("{#"))
}

/// A field's template, compiled into the environment under its config key.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    /// Key in the environment: the full config path, unique.
    name: String,
    /// What errors call it: `subject`, `provision.contact.email`, `mapping.defaults.username`.
    pub label: String,
    source: String,
}

/// A condition or list expression. Compiled once at load to check it; evaluated from its source,
/// because a compiled minijinja expression borrows the environment it came from.
#[derive(Debug, Clone)]
pub(crate) struct Expression {
    pub label: String,
    pub source: String,
    /// Whether it reads `item`; a fan-out condition that does not is asked once per event.
    pub reads_item: bool,
}

impl Template {
    /// Compiles `source` under `name`; the error text says what is wrong.
    pub fn compile(
        env: &mut Environment<'static>,
        name: String,
        label: String,
        source: &str,
    ) -> Result<Template, String> {
        env.add_template_owned(name.clone(), source.to_owned())
            .map_err(|e| compile_message(&e))?;
        Ok(Template {
            name,
            label,
            source: source.to_owned(),
        })
    }

    /// The plain text of a template without template syntax.
    pub fn literal(&self) -> Option<&str> {
        is_literal(&self.source).then_some(self.source.trim())
    }

    /// Renders and trims.
    pub fn render(&self, env: &Environment<'static>, ctx: &Value) -> Result<String, FieldError> {
        let rendered = env
            .get_template(&self.name)
            .and_then(|t| t.render(ctx))
            .map_err(|e| {
                let undeclared = env
                    .get_template(&self.name)
                    .map(|t| t.undeclared_variables(true))
                    .unwrap_or_default();
                self.error(describe_failure(&self.source, &e, undeclared, ctx))
            })?;
        Ok(rendered.trim().to_owned())
    }

    /// Renders a value that must not be empty.
    pub fn required(&self, env: &Environment<'static>, ctx: &Value) -> Result<String, FieldError> {
        let value = self.render(env, ctx)?;
        if value.is_empty() {
            return Err(self.error(FieldProblem::Empty));
        }
        Ok(value)
    }

    /// Renders a value that may be left out: empty means absent.
    pub fn optional(
        &self,
        env: &Environment<'static>,
        ctx: &Value,
    ) -> Result<Option<String>, FieldError> {
        let value = self.render(env, ctx)?;
        Ok((!value.is_empty()).then_some(value))
    }

    /// An error about this field.
    pub fn error(&self, problem: FieldProblem) -> FieldError {
        FieldError {
            field: self.label.clone(),
            problem,
        }
    }
}

impl Expression {
    /// Checks that `source` compiles.
    pub fn compile(
        env: &Environment<'static>,
        label: String,
        source: &str,
    ) -> Result<Expression, String> {
        let compiled = env
            .compile_expression(source)
            .map_err(|e| compile_message(&e))?;
        let reads_item = compiled.undeclared_variables(false).contains("item");
        Ok(Expression {
            label,
            source: source.to_owned(),
            reads_item,
        })
    }

    /// Evaluates; a value that is undefined at the end counts as a missing field too.
    pub fn eval(&self, env: &Environment<'static>, ctx: &Value) -> Result<Value, FieldError> {
        let compiled = env
            .compile_expression(&self.source)
            .map_err(|e| self.error(FieldProblem::Failed(compile_message(&e))))?;
        let failure = |e: &Error| {
            self.error(describe_failure(
                &self.source,
                e,
                compiled.undeclared_variables(true),
                ctx,
            ))
        };
        match compiled.eval(ctx) {
            Ok(value) if value.is_undefined() => {
                Err(failure(&Error::from(ErrorKind::UndefinedError)))
            }
            Ok(value) => Ok(value),
            Err(e) => Err(failure(&e)),
        }
    }

    fn error(&self, problem: FieldProblem) -> FieldError {
        FieldError {
            field: self.label.clone(),
            problem,
        }
    }
}

/// A compile error as one line: what minijinja says and where.
fn compile_message(e: &Error) -> String {
    let what = e
        .detail()
        .map(str::to_owned)
        .unwrap_or_else(|| e.kind().to_string());
    match e.line() {
        Some(line) if line > 1 => format!("does not compile: {} ({what}, line {line})", e.kind()),
        _ => format!("does not compile: {} ({what})", e.kind()),
    }
}
