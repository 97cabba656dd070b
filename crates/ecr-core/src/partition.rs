//! AWS partitions: what ARNs and console links look like in each.
//!
//! - ARN format `arn:<partition>:<service>:<region>:<account>:<resource>`,
//!   partitions `aws`, `aws-cn` (China), `aws-us-gov` (GovCloud US), and the
//!   isolated ones (IAM User Guide, "IAM ARNs":
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>).
//! - Which regions are in which partition: the `regionRegex` of the
//!   partitions file the SDKs ship (`^cn\-\w+\-\d+$` for aws-cn,
//!   `^us\-gov\-\w+\-\d+$` for aws-us-gov, `^us\-iso\-…` for aws-iso,
//!   `^us\-isob\-…` for aws-iso-b, `^eusc\-…` for aws-eusc).
//! - Console hosts: `console.aws.amazon.com`; China
//!   `console.amazonaws.cn` (<https://docs.amazonaws.cn/en_us/aws/latest/userguide/endpoints-Beijing.html>);
//!   GovCloud `console.amazonaws-us-gov.com`
//!   (<https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/using-govcloud-signin.html>).
//!   The isolated partitions' consoles are not public: no link there.

/// The partition of a region, by the SDK partitions' region patterns;
/// unknown shapes are the commercial partition (its regex is the catch-all).
pub fn of_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-isof-") {
        "aws-iso-f"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("eusc-") {
        "aws-eusc"
    } else {
        "aws"
    }
}

/// `arn:<partition>:<service>:<region>:<account>:<resource>`.
pub fn arn(service: &str, region: &str, account: &str, resource: &str) -> String {
    format!(
        "arn:{}:{service}:{region}:{account}:{resource}",
        of_region(region)
    )
}

/// The six parts of any ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`
/// (the resource may hold `:` and `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

pub fn parse_arn(arn: &str) -> Option<Arn<'_>> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let a = Arn {
        partition: parts.next()?,
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    };
    (!a.partition.is_empty() && !a.service.is_empty()).then_some(a)
}

/// The parts of an ECR repository ARN
/// (`arn:<partition>:ecr:<region>:<account>:repository/<name>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepositoryArn<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub name: &'a str,
}

pub fn parse_repository_arn(arn: &str) -> Option<RepositoryArn<'_>> {
    let a = parse_arn(arn).filter(|a| a.service == "ecr")?;
    let name = a.resource.strip_prefix("repository/")?;
    (!a.region.is_empty() && !a.account.is_empty() && !name.is_empty()).then_some(RepositoryArn {
        partition: a.partition,
        region: a.region,
        account: a.account,
        name,
    })
}

/// The console's host in a partition; `None` where it is not public.
pub fn console_host(partition: &str) -> Option<&'static str> {
    match partition {
        "aws" => Some("console.aws.amazon.com"),
        "aws-cn" => Some("console.amazonaws.cn"),
        "aws-us-gov" => Some("console.amazonaws-us-gov.com"),
        _ => None,
    }
}

/// The ECR console page of a repository (from its ARN: the partition,
/// region and account the server says), or of one image in it.
pub fn console_url(repository_arn: &str, image_digest: Option<&str>) -> Option<String> {
    let a = parse_repository_arn(repository_arn)?;
    let host = console_host(a.partition)?;
    let base = format!(
        "https://{host}/ecr/repositories/private/{}/{}",
        a.account, a.name
    );
    Some(match image_digest {
        Some(d) => format!("{base}/_/image/{d}/details?region={}", a.region),
        None => format!("{base}?region={}", a.region),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_fall_in_their_partitions() {
        let table = [
            ("us-east-1", "aws"),
            ("eu-central-2", "aws"),
            ("cn-north-1", "aws-cn"),
            ("cn-northwest-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-gov-east-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eusc-de-east-1", "aws-eusc"),
        ];
        for (region, partition) in table {
            assert_eq!(of_region(region), partition, "{region}");
        }
        assert_eq!(
            arn("kms", "cn-north-1", "123456789012", "key/abc"),
            "arn:aws-cn:kms:cn-north-1:123456789012:key/abc"
        );
    }

    #[test]
    fn console_links_follow_the_partition_the_arn_names() {
        let d = "sha256:0123";
        let cases = [
            (
                "arn:aws:ecr:eu-west-1:123456789012:repository/team/api",
                "https://console.aws.amazon.com/ecr/repositories/private/123456789012/team/api?region=eu-west-1",
            ),
            (
                "arn:aws-cn:ecr:cn-north-1:123456789012:repository/api",
                "https://console.amazonaws.cn/ecr/repositories/private/123456789012/api?region=cn-north-1",
            ),
            (
                "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/api",
                "https://console.amazonaws-us-gov.com/ecr/repositories/private/123456789012/api?region=us-gov-west-1",
            ),
        ];
        for (arn, url) in cases {
            assert_eq!(console_url(arn, None).as_deref(), Some(url), "{arn}");
        }
        assert_eq!(
            console_url("arn:aws:ecr:us-east-1:1:repository/a/b", Some(d)).as_deref(),
            Some(
                "https://console.aws.amazon.com/ecr/repositories/private/1/a/b/_/image/sha256:0123/details?region=us-east-1"
            )
        );
        assert_eq!(
            console_url("arn:aws-iso:ecr:us-iso-east-1:1:repository/a", None),
            None
        );
        assert_eq!(console_url("not an arn", None), None);
        assert_eq!(console_url("arn:aws:s3:::bucket", None), None);
    }
}
