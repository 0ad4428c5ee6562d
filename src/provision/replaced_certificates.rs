//! Certificates a change of the site's domains left behind. ACM cannot
//! add a name to an issued certificate, so a new domain (the previews'
//! `*.preview.DOMAIN` on a site provisioned before previews) means a new
//! certificate and the distribution switched to it; the old one is then
//! deleted, once the distribution no longer names it and has deployed
//! (CloudFront holds a certificate in use until then: ACM refuses to
//! delete it meanwhile, and the next run deletes it).

use anyhow::Result;

use super::aws::{Clients, code, failed};
use super::model::Observed;
use super::step::{Action, Resource, Step};
use crate::log;

/// The step deleting the replaced certificates, when there are some the
/// deployed distribution no longer names.
pub fn step(observed: &Observed) -> Option<Step> {
    let deletable = deletable(observed);
    (!deletable.is_empty()).then(|| Step {
        resource: Resource::ReplacedCertificates,
        name: deletable.join(", "),
        action: Action::Change,
        why: vec!["replaced by the certificate for the site's domains now: deleted".into()],
    })
}

fn deletable(observed: &Observed) -> Vec<String> {
    let Some(d) = &observed.distribution else {
        return Vec::new();
    };
    if d.status != "Deployed" {
        return Vec::new();
    }
    (observed.replaced_certificates.iter())
        .filter(|arn| **arn != d.certificate_arn)
        .cloned()
        .collect()
}

/// Deletes them; one CloudFront still holds is left to the next run.
pub async fn delete(clients: &Clients, observed: &Observed) -> Result<()> {
    for arn in deletable(observed) {
        match clients
            .acm
            .delete_certificate()
            .certificate_arn(&arn)
            .send()
            .await
        {
            Ok(_) => log::info(&format!("deleted the replaced certificate {arn}")),
            Err(e) if code(&e) == Some("ResourceInUseException") => log::info(&format!(
                "the replaced certificate {arn} is still held by CloudFront; the next `ssg provision` deletes it"
            )),
            Err(e) if code(&e) == Some("ResourceNotFoundException") => {}
            Err(e) => return Err(failed(&format!("deleting certificate {arn}"), &e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::model::Distribution;

    fn observed(status: &str, in_use: &str) -> Observed {
        Observed {
            distribution: Some(Distribution {
                status: status.into(),
                certificate_arn: in_use.into(),
                ..Distribution::default()
            }),
            replaced_certificates: vec!["old".into()],
            ..Observed::default()
        }
    }

    #[test]
    fn a_replaced_certificate_goes_once_the_deployed_distribution_lets_go() {
        let found = step(&observed("Deployed", "new")).expect("a step");
        assert_eq!((found.action, found.name.as_str()), (Action::Change, "old"));
        // Still named, or the distribution still deploying: not yet.
        assert!(step(&observed("Deployed", "old")).is_none());
        assert!(step(&observed("InProgress", "new")).is_none());
        assert!(step(&Observed::default()).is_none());
    }
}
