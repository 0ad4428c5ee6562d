//! One step of the provisioning plan: a resource, its name, what to do
//! with it (`exists`, `create`, `change`, `wait`, `manual`) and why. Its own
//! room so the rooms that plan one part of the site (the CI roles, the
//! replaced certificates) make steps without importing the whole plan.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Exists,
    Create,
    Change,
    /// Nothing to write; something outside ssg must happen first (DNS
    /// validation, a deployment).
    Wait,
    /// The user must do it (records at a DNS provider ssg cannot write).
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Bucket,
    PublicAccessBlock,
    ObjectOwnership,
    Encryption,
    Versioning,
    Lifecycle,
    OriginAccessControl,
    Certificate,
    ValidationRecords,
    EdgeFunction,
    Distribution,
    BucketPolicy,
    AliasRecords,
    ReplacedCertificates,
    OidcProvider,
    CiRole,
    CiRolePolicy,
    PreviewRole,
    PreviewRolePolicy,
    Workflow,
    Config,
}

impl Resource {
    /// The resource as people call it, in the lines ssg prints.
    pub fn label(self) -> &'static str {
        match self {
            Resource::Bucket => "bucket",
            Resource::PublicAccessBlock => "block public access",
            Resource::ObjectOwnership => "object ownership",
            Resource::Encryption => "default encryption",
            Resource::Versioning => "versioning",
            Resource::Lifecycle => "lifecycle rule",
            Resource::OriginAccessControl => "origin access control",
            Resource::Certificate => "certificate",
            Resource::ValidationRecords => "validation records",
            Resource::EdgeFunction => "edge function",
            Resource::Distribution => "distribution",
            Resource::BucketPolicy => "bucket policy",
            Resource::AliasRecords => "DNS aliases",
            Resource::ReplacedCertificates => "replaced certificates",
            Resource::OidcProvider => "OIDC provider",
            Resource::CiRole => "CI role",
            Resource::CiRolePolicy => "CI role policy",
            Resource::PreviewRole => "preview role",
            Resource::PreviewRolePolicy => "preview role policy",
            Resource::Workflow => "workflow",
            Resource::Config => "config",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub resource: Resource,
    pub name: String,
    pub action: Action,
    pub why: Vec<String>,
}

impl Step {
    pub(super) fn new(
        resource: Resource,
        name: impl Into<String>,
        action: Action,
        why: Vec<String>,
    ) -> Step {
        Step {
            resource,
            name: name.into(),
            action,
            why,
        }
    }

    pub(super) fn exists(resource: Resource, name: impl Into<String>) -> Step {
        Step::new(resource, name, Action::Exists, Vec::new())
    }

    pub(super) fn exists_or_change(
        resource: Resource,
        name: impl Into<String>,
        why: Vec<String>,
    ) -> Step {
        let action = if why.is_empty() {
            Action::Exists
        } else {
            Action::Change
        };
        Step::new(resource, name, action, why)
    }

    /// A write `converge` would make.
    pub fn is_write(&self) -> bool {
        matches!(self.action, Action::Create | Action::Change)
    }
}
