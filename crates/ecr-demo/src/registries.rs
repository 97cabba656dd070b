//! The demo endpoint serves more than one registry: one per (account,
//! region), each seeded the first time it is asked for. The caller's
//! account comes from the access key in the request's SigV4 credential
//! scope (`AKIDEMOSECOND` is the second account, any other key the first),
//! its region from the same scope, as on AWS; a `registryId` naming
//! the other demo account reads that account's registry (the two demo
//! accounts trust each other, as a registry policy would allow).

use std::collections::BTreeMap;

use super::seed::{self, SeedConfig};
use super::store::{ApiError, Store};

/// The demo accounts and the access keys that sign as them.
pub const ACCOUNTS: [(&str, &str); 2] = [
    ("AKIDEMO", crate::DEMO_ACCOUNT),
    ("AKIDEMOSECOND", crate::DEMO_SECOND_ACCOUNT),
];

/// Who is calling, and which registry the call is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    pub region: String,
}

impl Caller {
    /// From `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/ecr/aws4_request, ...`.
    pub fn from_authorization(header: Option<&str>) -> Result<Self, ApiError> {
        let unsigned = || ApiError {
            status: 400,
            code: "MissingAuthenticationTokenException".into(),
            message: "Request is missing Authentication Token".into(),
        };
        let h = header.ok_or_else(unsigned)?;
        let scope = h
            .split("Credential=")
            .nth(1)
            .and_then(|s| s.split([',', ' ']).next())
            .ok_or_else(unsigned)?;
        let mut parts = scope.split('/');
        let key = parts.next().unwrap_or_default();
        let region = parts.nth(1).unwrap_or_default();
        // Any other key signs as the first account: the demo is not about
        // credentials, and the aws CLI or a benchmark may use its own.
        let account = ACCOUNTS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(ACCOUNTS[0].1, |(_, a)| *a)
            .to_owned();
        if region.is_empty() {
            return Err(unsigned());
        }
        Ok(Self {
            account,
            region: region.to_owned(),
        })
    }
}

/// Every registry the endpoint has seeded so far.
#[derive(Debug)]
pub struct Registries {
    seed: SeedConfig,
    base_url: String,
    stores: BTreeMap<(String, String), Store>,
}

impl Registries {
    pub fn new(seed: SeedConfig, base_url: String) -> Self {
        Self {
            seed,
            base_url,
            stores: BTreeMap::new(),
        }
    }

    /// The registry of `account` in `region`, seeded on first use: the
    /// first demo account's home region gets the full sample data, every
    /// other registry a smaller copy of the showcase (same repository
    /// names, so the same name lives in two registries).
    pub fn store(&mut self, account: &str, region: &str) -> &mut Store {
        let key = (account.to_owned(), region.to_owned());
        let (seed, base) = (&self.seed, &self.base_url);
        self.stores.entry(key).or_insert_with(|| {
            let home = account == crate::DEMO_ACCOUNT && region == crate::DEMO_REGION;
            let cfg = if home {
                seed.clone()
            } else {
                SeedConfig::small()
            };
            let mut s = seed::build(&cfg);
            s.account = account.to_owned();
            s.region = region.to_owned();
            s.base_url = format!("{base}/blobs/{account}/{region}");
            s
        })
    }

    /// A registry if it has been seeded (blob downloads never seed one).
    pub fn existing(&self, account: &str, region: &str) -> Option<&Store> {
        self.stores.get(&(account.to_owned(), region.to_owned()))
    }

    /// The registry a request is about: the caller's own, or the other demo
    /// account's when `registryId` names it; any other id is refused.
    pub fn for_request(
        &mut self,
        caller: &Caller,
        body: &serde_json::Value,
    ) -> Result<&mut Store, ApiError> {
        let target = body
            .get("registryId")
            .and_then(serde_json::Value::as_str)
            .unwrap_or(&caller.account)
            .to_owned();
        if !ACCOUNTS.iter().any(|(_, a)| *a == target) {
            return Err(ApiError {
                status: 400,
                code: "AccessDeniedException".into(),
                message: format!("User is not authorized to access registry {target}"),
            });
        }
        Ok(self.store(&target, &caller.region))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caller_comes_from_the_credential_scope() {
        let h = "AWS4-HMAC-SHA256 Credential=AKIDEMOSECOND/20261129/us-west-2/ecr/aws4_request, SignedHeaders=host, Signature=abc";
        assert_eq!(
            Caller::from_authorization(Some(h)),
            Ok(Caller {
                account: crate::DEMO_SECOND_ACCOUNT.into(),
                region: "us-west-2".into()
            })
        );
        assert_eq!(
            Caller::from_authorization(Some("AWS4-HMAC-SHA256 Credential=testing/1/r/ecr/x"))
                .map(|c| c.account),
            Ok(crate::DEMO_ACCOUNT.to_owned())
        );
        assert!(Caller::from_authorization(None).is_err());
    }

    #[test]
    fn each_registry_is_its_own_and_ids_are_checked() {
        let mut r = Registries::new(SeedConfig::small(), "http://x".into());
        let east = Caller {
            account: crate::DEMO_ACCOUNT.into(),
            region: "us-east-1".into(),
        };
        let west = Caller {
            region: "us-west-2".into(),
            ..east.clone()
        };
        r.for_request(&east, &serde_json::json!({}))
            .expect("own")
            .repos
            .clear();
        assert!(
            !r.for_request(&west, &serde_json::json!({}))
                .expect("own")
                .repos
                .is_empty(),
            "another region is another registry"
        );
        let other = serde_json::json!({"registryId": crate::DEMO_SECOND_ACCOUNT});
        assert_eq!(
            r.for_request(&east, &other).expect("trusted").account,
            crate::DEMO_SECOND_ACCOUNT
        );
        let stranger = serde_json::json!({"registryId": "999999999999"});
        assert!(r.for_request(&east, &stranger).is_err());
    }
}
