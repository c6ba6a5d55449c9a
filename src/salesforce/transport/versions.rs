//! The API versions an org serves, `GET /services/data/`.

use reqwest::Method;
use serde::Deserialize;

use super::call_error::CallError;
use super::client::SalesforceClient;
use super::request::Request;

/// One REST API version the org serves.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiVersion {
    /// `68.0`.
    pub version: String,
    /// The release, `Winter '27`.
    #[serde(default)]
    pub label: String,
}

impl SalesforceClient {
    /// Every API version the org serves, oldest first (`GET /services/data/`, the one resource
    /// outside any version): a version missing here answers every data call with 404.
    pub async fn api_versions(&self) -> Result<Vec<ApiVersion>, CallError> {
        let answer = self
            .send(Request::new(Method::GET, "/services/data/".to_owned()))
            .await?;
        answer.json()
    }
}
