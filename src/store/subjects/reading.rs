//! The lifecycle records on the [`Store`] facade, for the admin API.

use super::{SubjectFilter, SubjectLifecycle, SubjectRecord};
use crate::domain::SubjectKey;
use crate::store::Store;
use crate::store::error::StoreError;

impl Store {
    /// The subject's record with its whole history, oldest first (`GET /v1/subjects/{key}`).
    pub async fn get_subject(
        &self,
        subject: &SubjectKey,
    ) -> Result<Option<SubjectLifecycle>, StoreError> {
        self.backend().get_subject(subject).await
    }

    /// One page of records in key order, without history.
    pub async fn list_subjects(
        &self,
        filter: &SubjectFilter,
    ) -> Result<Vec<SubjectRecord>, StoreError> {
        self.backend().list_subjects(filter).await
    }
}
