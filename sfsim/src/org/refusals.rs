//! Salesforce's refusals, worded as Salesforce words them, in one place so that the same
//! condition always reads the same.

use actix_web::http::StatusCode;

use crate::error::ApiError;

/// A 400 with fields.
pub(crate) fn refuse(code: &str, message: impl Into<String>, fields: &[&str]) -> ApiError {
    ApiError::bad_request(code, message).with_fields(fields.iter().copied())
}

/// The object type does not take this operation at all (`UserLicense` cannot be inserted,
/// users cannot be deleted).
pub(crate) fn entity_cannot(verb: &str, label: &str) -> ApiError {
    refuse(
        "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
        format!("entity type cannot be {verb}: {label}"),
        &[],
    )
}

/// Required fields missing or set to null.
pub(crate) fn required_missing(fields: &[&str]) -> ApiError {
    refuse(
        "REQUIRED_FIELD_MISSING",
        format!("Required fields are missing: [{}]", fields.join(", ")),
        fields,
    )
}

/// A field name the object does not have.
pub(crate) fn no_such_column(field: &str, object: &str) -> ApiError {
    refuse(
        "INVALID_FIELD",
        format!("No such column '{field}' on sobject of type {object}"),
        &[],
    )
}

/// A field the caller may not write in this operation.
pub(crate) fn not_writable(fields: &[&str]) -> ApiError {
    refuse(
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        format!(
            "Unable to create/update fields: {}. Please check the security settings of this field \
             and verify that it is read/write for your profile or permission set.",
            fields.join(", ")
        ),
        fields,
    )
}

/// A value JSON cannot turn into the field's type.
pub(crate) fn cannot_deserialize(kind: &str, token: &str, value: &str) -> ApiError {
    refuse(
        "JSON_PARSER_ERROR",
        format!(
            "Cannot deserialize instance of {kind} from {token} value {value} or request may be \
             missing a required field"
        ),
        &[],
    )
}

/// Not an id at all (`Account ID: id value of incorrect type: abc`).
pub(crate) fn malformed_id(label: &str, value: &str, field: &str) -> ApiError {
    refuse(
        "MALFORMED_ID",
        format!("{label}: id value of incorrect type: {value}"),
        &[field],
    )
}

/// An id of the wrong object type in a lookup.
pub(crate) fn wrong_id_type(label: &str, value: &str, field: &str) -> ApiError {
    refuse(
        "FIELD_INTEGRITY_EXCEPTION",
        format!("{label}: id value of incorrect type: {value}"),
        &[field],
    )
}

/// A well-formed id of the right type that names no record.
pub(crate) fn invalid_cross_reference() -> ApiError {
    refuse(
        "INVALID_CROSS_REFERENCE_KEY",
        "invalid cross reference id",
        &[],
    )
}

/// `FIELD_INTEGRITY_EXCEPTION` with a message and fields.
pub(crate) fn integrity(message: impl Into<String>, fields: &[&str]) -> ApiError {
    refuse("FIELD_INTEGRITY_EXCEPTION", message, fields)
}

/// 404 `NOT_FOUND` for an external id field that does not exist.
pub(crate) fn no_such_external_field(field: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("Provided external ID field does not exist or is not accessible: {field}"),
    )
}
