//! Input rules, written once and used twice: by the UI, to refuse bad input
//! next to the field before any API call, and by the demo endpoint, to answer
//! as ECR would. Each error is the rule in words; each rule cites the ECR API
//! reference pattern or limit it implements (API reference, 2015-09-21).

/// ECR repository names. CreateRepository `repositoryName`: length 2..256,
/// pattern `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`
/// (single separators only: `__` is the docker grammar's, not ECR's).
pub fn repository_name(name: &str) -> Result<(), String> {
    if name.len() < 2 || name.len() > 256 {
        return Err("A repository name has 2 to 256 characters.".into());
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err("Use lowercase letters only.".into());
    }
    for part in name.split('/') {
        if part.is_empty() {
            return Err(
                "Namespaces are separated by single '/' characters, with no '/' at either end."
                    .into(),
            );
        }
        if !component_ok(part) {
            return Err(format!(
                "'{part}' is not allowed: each part uses a-z and 0-9, with single '.', '_' or '-' between them (not at the start or end)."
            ));
        }
    }
    Ok(())
}

fn component_ok(part: &str) -> bool {
    let b = part.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let sep = |c: u8| matches!(c, b'.' | b'_' | b'-');
    if !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    // `[._-]` separators are single: each is followed by a letter or digit.
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
        } else if sep(b[i]) {
            i += 1;
            if !b.get(i).copied().is_some_and(alnum) {
                return false;
            }
        } else {
            return false;
        }
    }
    true
}

/// ECR image tags. PutImage `imageTag`: length 1..300 (ECR's limit; the OCI
/// distribution spec's grammar stops at 128, so a longer tag works with ECR's
/// API but not with every client). Characters: the OCI tag grammar
/// `[a-zA-Z0-9_][a-zA-Z0-9._-]*`, so that `docker pull repo:tag` can name it.
pub const MAX_TAG: usize = 300;

pub fn image_tag(tag: &str) -> Result<(), String> {
    let ok_first = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let ok_rest = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    let mut chars = tag.chars();
    match chars.next() {
        None => Err("A tag cannot be empty.".into()),
        _ if tag.len() > MAX_TAG => Err(format!("A tag has at most {MAX_TAG} characters.")),
        Some(c) if !ok_first(c) => Err("A tag starts with a letter, a digit or '_'.".into()),
        _ if !chars.all(ok_rest) => {
            Err("A tag uses only letters, digits, '_', '.' and '-'.".into())
        }
        _ => Ok(()),
    }
}

/// One tag-immutability exclusion filter. ImageTagMutabilityExclusionFilter
/// `filter`: length 1..128, pattern `^[0-9a-zA-Z._*-]{1,128}$`; at most two
/// `*` (ECR's user guide on mutability exclusions).
pub fn exclusion_filter(f: &str) -> Result<(), String> {
    if f.is_empty() || f.len() > 128 {
        return Err("A filter has 1 to 128 characters.".into());
    }
    if !f
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '*' | '-'))
    {
        return Err("A filter uses only letters, digits, '.', '_', '-' and '*'.".into());
    }
    if f.matches('*').count() > 2 {
        return Err("A filter has at most two '*' wildcards.".into());
    }
    Ok(())
}

/// PutImageTagMutability `imageTagMutabilityExclusionFilters`: 1..5 items.
pub fn exclusion_filters(filters: &[String]) -> Result<(), String> {
    if filters.len() > 5 {
        return Err("At most 5 exclusion filters.".into());
    }
    for f in filters {
        exclusion_filter(f).map_err(|e| format!("'{f}': {e}"))?;
    }
    Ok(())
}

/// AWS region names, accepted by their shape (`us-east-1`, `ap-southeast-2`,
/// `us-gov-west-1`, `cn-north-1`, `eusc-de-east-1`): AWS opens regions this
/// list has never heard of, so an unknown region is not refused; see
/// [`region_suggestion`] for the typo hint.
pub fn region(r: &str) -> Result<(), String> {
    if r.is_empty() {
        return Err("Choose a region, e.g. us-east-1.".into());
    }
    if KNOWN_REGIONS.contains(&r) {
        return Ok(());
    }
    let parts: Vec<&str> = r.split('-').collect();
    let shaped = parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty();
    if !shaped {
        return Err(format!(
            "'{r}' is not a region name: regions look like us-east-1 or eu-central-2."
        ));
    }
    Ok(())
}

/// For a well-shaped region ecrscope does not know: a hint (not a refusal),
/// naming the known region it is one or two letters away from.
pub fn region_suggestion(r: &str) -> Option<String> {
    if r.is_empty() || KNOWN_REGIONS.contains(&r) || region(r).is_err() {
        return None;
    }
    Some(match closest_region(r) {
        Some(near) => format!(
            "'{r}' is not a region ecrscope knows. Did you mean {near}? (A new region is fine.)"
        ),
        None => format!("'{r}' is not a region ecrscope knows; check it is right."),
    })
}

/// Regions ECR is offered in (commercial, GovCloud, China).
pub const KNOWN_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "us-gov-east-1",
    "us-gov-west-1",
    "cn-north-1",
    "cn-northwest-1",
];

fn closest_region(r: &str) -> Option<&'static str> {
    KNOWN_REGIONS
        .iter()
        .map(|k| (edit_distance(r, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// An endpoint URL: http(s)://host[:port][/path], no credentials in it.
pub fn endpoint_url(u: &str) -> Result<(), String> {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .ok_or("An endpoint starts with http:// or https://.")?;
    let host_port = rest.split('/').next().unwrap_or("");
    if host_port.is_empty() {
        return Err("The endpoint needs a host, e.g. http://127.0.0.1:5000.".into());
    }
    if host_port.contains('@') {
        return Err("Do not put credentials in the endpoint URL.".into());
    }
    if u.chars().any(char::is_whitespace) {
        return Err("The endpoint URL cannot contain spaces.".into());
    }
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') && !h.contains(':') || h.ends_with(']') => (h, Some(p)),
        _ => (host_port, None),
    };
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'))
    {
        return Err(format!("'{host}' is not a valid host name."));
    }
    if let Some(p) = port
        && p.parse::<u16>().map_or(true, |n| n == 0)
    {
        return Err(format!("'{p}' is not a valid port (1 to 65535)."));
    }
    Ok(())
}

/// A warning for a valid endpoint that is plain `http://` to anything but
/// this computer: signed requests (and their answers) travel unencrypted.
pub fn endpoint_warning(u: &str) -> Option<String> {
    let rest = u.strip_prefix("http://")?;
    let host_port = rest.split('/').next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.rsplit_once(':').map_or(host_port, |(h, _)| h),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback && !host.is_empty()).then(|| {
        format!(
            "Plain http to {host}: requests and answers (repository names, login tokens) travel unencrypted. Use https:// unless this network is trusted."
        )
    })
}

/// A 12-digit AWS account id.
pub fn registry_id(id: &str) -> Result<(), String> {
    if id.len() == 12 && id.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err("A registry id is the 12-digit AWS account id, e.g. 123456789012.".into())
    }
}

/// A KMS key for repository encryption. EncryptionConfiguration `kmsKey`:
/// length 1..2048; KMS's own forms: a key ARN or alias ARN in `region`, a key
/// id (UUID, or `mrk-` and 32 hex digits for multi-Region keys), or
/// `alias/<name>` with the alias characters `[a-zA-Z0-9/_-]` (KMS
/// CreateAlias `AliasName` pattern `^[a-zA-Z0-9:/_-]+$`, 1..256).
pub fn kms_key(key: &str, region: &str) -> Result<(), String> {
    if key.is_empty() || key.len() > 2048 {
        return Err("A KMS key has 1 to 2048 characters.".into());
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("A KMS key has no spaces.".into());
    }
    if let Some(rest) = key.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let partition = crate::partition::of_region(region);
        if parts.len() != 5 || parts[1] != "kms" {
            return Err(format!(
                "A KMS key ARN looks like arn:{partition}:kms:<region>:<account>:key/<id>."
            ));
        }
        if parts[2] != region {
            return Err(format!(
                "The key is in {}, but the repository is in {region}: ECR needs a key in the same region.",
                parts[2]
            ));
        }
        if parts[0] != partition {
            return Err(format!(
                "The ARN says partition '{}', but {region} is in '{partition}': arn:{partition}:kms:….",
                parts[0]
            ));
        }
        if parts[3].len() != 12 || !parts[3].chars().all(|c| c.is_ascii_digit()) {
            return Err("The account in the key ARN must be 12 digits.".into());
        }
        return match parts[4].split_once('/') {
            Some(("key", id)) if key_id_ok(id) => Ok(()),
            Some(("alias", name)) if alias_ok(name) => Ok(()),
            Some(("key", _)) => {
                Err("The key id in the ARN is a UUID (or mrk- and 32 hex digits).".into())
            }
            Some(("alias", _)) => Err(ALIAS_CHARS.into()),
            _ => Err("The ARN must end in key/<id> or alias/<name>.".into()),
        };
    }
    if let Some(name) = key.strip_prefix("alias/") {
        return if alias_ok(name) {
            Ok(())
        } else {
            Err(ALIAS_CHARS.into())
        };
    }
    if key_id_ok(key) {
        return Ok(());
    }
    Err("Give a key ARN (arn:aws:kms:...), a key id or alias/<name>.".into())
}

const ALIAS_CHARS: &str =
    "An alias name has 1 to 250 characters: letters, digits, '/', '_' and '-'.";

fn alias_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 250
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-'))
}

/// A UUID, or a multi-Region key id (`mrk-` and 32 hex digits).
fn key_id_ok(key: &str) -> bool {
    let uuid_shape = key.len() == 36
        && key.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    let mrk = key
        .strip_prefix("mrk-")
        .is_some_and(|h| h.len() == 32 && h.chars().all(|c| c.is_ascii_hexdigit()));
    uuid_shape || mrk
}

/// The upstream registry kinds ECR supports for pull-through cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UpstreamKind {
    EcrPublic,
    Ecr,
    DockerHub,
    Quay,
    K8s,
    GitHub,
    GitLab,
    Azure,
    Chainguard,
}

impl UpstreamKind {
    pub const ALL: [Self; 9] = [
        Self::EcrPublic,
        Self::DockerHub,
        Self::Quay,
        Self::K8s,
        Self::GitHub,
        Self::GitLab,
        Self::Azure,
        Self::Ecr,
        Self::Chainguard,
    ];

    pub fn api_name(self) -> &'static str {
        match self {
            Self::EcrPublic => "ecr-public",
            Self::Ecr => "ecr",
            Self::DockerHub => "docker-hub",
            Self::Quay => "quay",
            Self::K8s => "k8s",
            Self::GitHub => "github-container-registry",
            Self::GitLab => "gitlab-container-registry",
            Self::Azure => "azure-container-registry",
            Self::Chainguard => "chainguard",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::EcrPublic => "Amazon ECR Public",
            Self::Ecr => "Another ECR registry",
            Self::DockerHub => "Docker Hub",
            Self::Quay => "Quay",
            Self::K8s => "Kubernetes registry",
            Self::GitHub => "GitHub Container Registry",
            Self::GitLab => "GitLab Container Registry",
            Self::Azure => "Azure Container Registry",
            Self::Chainguard => "Chainguard",
        }
    }

    /// The URL the preset fills in (`None`: the user supplies it).
    pub fn default_url(self) -> Option<&'static str> {
        match self {
            Self::EcrPublic => Some("public.ecr.aws"),
            Self::DockerHub => Some("registry-1.docker.io"),
            Self::Quay => Some("quay.io"),
            Self::K8s => Some("registry.k8s.io"),
            Self::GitHub => Some("ghcr.io"),
            Self::GitLab => Some("registry.gitlab.com"),
            Self::Chainguard => Some("cgr.dev"),
            Self::Azure | Self::Ecr => None,
        }
    }

    /// Upstreams that need a Secrets Manager credential.
    pub fn needs_credential(self) -> bool {
        matches!(
            self,
            Self::DockerHub | Self::GitHub | Self::GitLab | Self::Azure | Self::Chainguard
        )
    }

    /// Whether `url` is an address of this kind.
    pub fn url_matches(self, url: &str) -> bool {
        match (self, self.default_url()) {
            (_, Some(u)) => url == u,
            (Self::Azure, _) => url.ends_with(".azurecr.io") && url.len() > ".azurecr.io".len(),
            (Self::Ecr, _) => {
                let parts: Vec<&str> = url.split('.').collect();
                parts.len() == 6
                    && parts[0].len() == 12
                    && parts[0].chars().all(|c| c.is_ascii_digit())
                    && parts[1..3] == ["dkr", "ecr"]
                    && parts[4..] == ["amazonaws", "com"]
            }
            _ => false,
        }
    }
}

pub fn upstream_kind(api_name: &str) -> Option<UpstreamKind> {
    UpstreamKind::ALL
        .into_iter()
        .find(|k| k.api_name() == api_name)
}

pub fn upstream_kind_for_url(url: &str) -> Option<UpstreamKind> {
    UpstreamKind::ALL.into_iter().find(|k| k.url_matches(url))
}

/// A pull-through cache rule prefix. CreatePullThroughCacheRule
/// `ecrRepositoryPrefix`: length 2..30, pattern
/// `^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT)$`
/// (one trailing `/` allowed).
pub fn pull_through_prefix(prefix: &str) -> Result<(), String> {
    if prefix == "ROOT" {
        return Ok(());
    }
    if prefix.len() < 2 || prefix.len() > 30 {
        return Err("A prefix has 2 to 30 characters (or is ROOT).".into());
    }
    let body = prefix.strip_suffix('/').unwrap_or(prefix);
    if !body.split('/').all(|p| !p.is_empty() && component_ok(p)) {
        return Err("A prefix uses a-z, 0-9 and single '.', '_', '-' or '/' between them.".into());
    }
    Ok(())
}

/// A Secrets Manager ARN for pull-through credentials. CreatePullThroughCacheRule
/// `credentialArn`: length 50..612, pattern
/// `^arn:aws:secretsmanager:[a-zA-Z0-9-:]+:secret:ecr\-pullthroughcache\/[a-zA-Z0-9\/_+=.@-]+$`;
/// and (ECR's user guide) in the registry's own region and account.
pub fn credential_arn(arn: &str, region: &str, account: &str) -> Result<(), String> {
    if arn.len() < 50 || arn.len() > 612 {
        return Err(format!(
            "A credential ARN has 50 to 612 characters (this one has {}).",
            arn.len()
        ));
    }
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    if parts.len() != 7 || parts[0] != "arn" || parts[2] != "secretsmanager" || parts[5] != "secret"
    {
        return Err(format!(
            "A credential is a Secrets Manager ARN: arn:{}:secretsmanager:<region>:<account>:secret:ecr-pullthroughcache/<name>.",
            crate::partition::of_region(region)
        ));
    }
    // ECR's API pattern spells `arn:aws:`; the secret must be in the
    // registry's region, so in its partition (aws-cn in China, aws-us-gov
    // in GovCloud).
    let partition = crate::partition::of_region(region);
    if parts[1] != partition {
        return Err(format!(
            "The ARN says partition '{}', but {region} is in '{partition}': arn:{partition}:secretsmanager:….",
            parts[1]
        ));
    }
    if parts[3] != region {
        return Err(format!(
            "The secret is in {}, but the registry is in {region}: it must be in the same region.",
            parts[3]
        ));
    }
    if parts[4] != account {
        return Err(format!(
            "The secret belongs to account {}, not to this registry's account {account}.",
            parts[4]
        ));
    }
    let Some(name) = parts[6].strip_prefix("ecr-pullthroughcache/") else {
        return Err("The secret's name must start with ecr-pullthroughcache/.".into());
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c))
    {
        return Err(
            "After ecr-pullthroughcache/ the secret name uses letters, digits and / _ + = . @ -."
                .into(),
        );
    }
    Ok(())
}

/// An AWS Signer signing profile ARN for ECR managed signing. SigningRule
/// `signingProfileArn`: length ..200, pattern
/// `^arn:aws(-[a-z]+)*:signer:[a-z0-9-]+:[0-9]{12}:\/signing-profiles\/[a-zA-Z0-9_]{2,}$`
/// (API reference, SigningRule); the partition must be the registry's.
pub fn signing_profile_arn(arn: &str, region: &str) -> Result<(), String> {
    let partition = crate::partition::of_region(region);
    let shape = format!(
        "A signing profile ARN looks like arn:{partition}:signer:{region}:<account>:/signing-profiles/<name>."
    );
    if arn.len() > 200 {
        return Err(format!(
            "A signing profile ARN has at most 200 characters (this one has {}).",
            arn.len()
        ));
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[2] != "signer" {
        return Err(shape);
    }
    let p = parts[1];
    let partition_ok = p == "aws"
        || p.strip_prefix("aws").is_some_and(|rest| {
            rest.split('-')
                .skip(1)
                .all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_ascii_lowercase()))
                && rest.starts_with('-')
        });
    if !partition_ok {
        return Err(shape);
    }
    if p != partition {
        return Err(format!(
            "The ARN says partition '{p}', but {region} is in '{partition}': arn:{partition}:signer:…."
        ));
    }
    if parts[3].is_empty()
        || !parts[3]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(shape);
    }
    if parts[4].len() != 12 || !parts[4].chars().all(|c| c.is_ascii_digit()) {
        return Err("The account in a signing profile ARN has 12 digits.".into());
    }
    let Some(name) = parts[5].strip_prefix("/signing-profiles/") else {
        return Err(shape);
    };
    if name.len() < 2 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(
            "A signing profile's name has at least 2 characters: letters, digits and '_'.".into(),
        );
    }
    Ok(())
}

/// A signing rule's repository filter. SigningRepositoryFilter `filter`:
/// length 1..256, pattern
/// `^(?:[a-z0-9*]+(?:[._-][a-z0-9*]+)*/)*[a-z0-9*]+(?:[._-][a-z0-9*]+)*$`
/// (a repository name in which `*` matches any characters).
pub fn signing_filter(f: &str) -> Result<(), String> {
    if f.is_empty() || f.len() > 256 {
        return Err("A filter has 1 to 256 characters.".into());
    }
    for part in f.split('/') {
        let b = part.as_bytes();
        let word = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'*';
        let sep = |c: u8| matches!(c, b'.' | b'_' | b'-');
        let ok = !b.is_empty()
            && word(b[0])
            && word(b[b.len() - 1])
            && b.windows(2).all(|w| !(sep(w[0]) && sep(w[1])))
            && b.iter().all(|&c| word(c) || sep(c));
        if !ok {
            return Err(format!(
                "'{f}' is not a repository name pattern: lowercase letters, digits and '*', with single '.', '_' or '-' between them, parts separated by '/'."
            ));
        }
    }
    Ok(())
}

/// SigningConfiguration: at most 10 rules; each with 1..100 filters or
/// none (no filter: every repository).
pub fn signing_rules(rules: &[(String, Vec<String>)], region: &str) -> Result<(), String> {
    if rules.len() > 10 {
        return Err("A signing configuration has at most 10 rules.".into());
    }
    for (i, (arn, filters)) in rules.iter().enumerate() {
        signing_profile_arn(arn, region).map_err(|e| format!("Rule {}: {e}", i + 1))?;
        if filters.len() > 100 {
            return Err(format!("Rule {}: at most 100 filters.", i + 1));
        }
        for f in filters {
            signing_filter(f).map_err(|e| format!("Rule {}: {e}", i + 1))?;
        }
    }
    Ok(())
}

/// Whether `repository` matches a signing filter (`*`: any characters).
pub fn signing_filter_matches(filter: &str, repository: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).any(|k| go(rest, &s[k..])),
            Some((c, rest)) => s.first() == Some(c) && go(rest, &s[1..]),
        }
    }
    go(filter.as_bytes(), repository.as_bytes())
}

/// A whole rule as ECR checks it at creation.
pub fn pull_through_rule(
    prefix: &str,
    upstream: &str,
    url: &str,
    credential: Option<&str>,
    region: &str,
    account: &str,
) -> Result<(), String> {
    pull_through_prefix(prefix)?;
    let kind = upstream_kind(upstream)
        .ok_or_else(|| format!("'{upstream}' is not a supported upstream registry."))?;
    if !kind.url_matches(url) {
        return Err(match kind.default_url() {
            Some(u) => format!("{} rules use the URL {u}.", kind.label()),
            None if kind == UpstreamKind::Azure => "Azure rules use <registry>.azurecr.io.".into(),
            None => "ECR rules use <account>.dkr.ecr.<region>.amazonaws.com.".into(),
        });
    }
    match credential {
        None if kind.needs_credential() => Err(format!(
            "{} needs a credential: a Secrets Manager secret named ecr-pullthroughcache/... with the upstream user name and access token.",
            kind.label()
        )),
        Some(c) => credential_arn(c, region, account),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names() {
        for ok in ["ab", "team/service", "a.b_c-d/e_f", "x1/y2/z3"] {
            assert!(repository_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a",
            "Team/x",
            "/x",
            "x/",
            "a//b",
            "-ab",
            "ab-",
            "a..b",
            "a b",
            "a__b",
            &"a".repeat(257),
        ] {
            assert!(repository_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resource_tags_follow_the_aws_rules() {
        assert!(resource_tag("team", "payments").is_ok());
        assert!(
            resource_tag("cost-centre", "").is_ok(),
            "an empty value is allowed"
        );
        assert!(resource_tag("équipe", "paiements").is_ok(), "any language");
        assert!(resource_tag("", "x").is_err());
        assert!(resource_tag("aws:createdBy", "x").is_err());
        assert!(resource_tag("team", "a;b").is_err());
        assert!(
            resource_tag("team", "pay ments").is_ok(),
            "a space is a separator"
        );
        for bad in ["a\tb", "a\nb", "a\rb", "\u{b}"] {
            assert!(
                resource_tag("team", bad).is_err(),
                "{bad:?}: AWS refuses it"
            );
            assert!(resource_tag(bad, "x").is_err(), "{bad:?} in a key");
        }
        assert!(resource_tag(&"k".repeat(129), "").is_err());
        assert!(resource_tag("k", &"v".repeat(257)).is_err());
        let fifty_one: Vec<(String, String)> =
            (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        assert!(resource_tags(&fifty_one).is_err());
        assert!(resource_tags(&[("a".into(), "1".into()), ("a".into(), "2".into())]).is_err());
    }

    #[test]
    fn pull_through_prefixes_follow_the_api_pattern() {
        for ok in ["ROOT", "ecr-public", "quay/", "docker-hub/library", "ab"] {
            assert!(pull_through_prefix(ok).is_ok(), "{ok}");
        }
        for bad in ["a", "quay//", "/quay", "Quay", "a__b", &"a".repeat(31)] {
            assert!(pull_through_prefix(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kms_keys_and_secret_arns_check_their_characters() {
        assert!(kms_key("alias/team_key-1", "us-east-1").is_ok());
        assert!(kms_key("alias/bad key", "us-east-1").is_err());
        assert!(kms_key("alias/", "us-east-1").is_err());
        assert!(kms_key("mrk-0123456789abcdef0123456789abcdef", "us-east-1").is_ok());
        assert!(kms_key("mrk-xyz", "us-east-1").is_err());
        assert!(
            kms_key(
                "arn:aws:kms:us-east-1:123456789012:key/not-a-uuid",
                "us-east-1"
            )
            .is_err()
        );
        let cn = "arn:aws-cn:kms:cn-north-1:123456789012:key/7f0c2e5a-1b3d-4c5e-8f9a-0b1c2d3e4f5a";
        assert!(kms_key(cn, "cn-north-1").is_ok());
        assert!(
            kms_key(&cn.replace("aws-cn:", "aws:"), "cn-north-1")
                .is_err_and(|e| e.contains("arn:aws-cn:kms"))
        );
        let good = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbC123";
        assert!(credential_arn(good, "us-east-1", "123456789012").is_ok());
        let bad_chars = good.replace("docker-hub", "docker hub");
        assert!(credential_arn(&bad_chars, "us-east-1", "123456789012").is_err());
        let long = format!("{good}{}", "a".repeat(600));
        assert!(
            credential_arn(&long, "us-east-1", "123456789012")
                .is_err_and(|e| e.contains("50 to 612"))
        );
        // Each partition's own: China and GovCloud secrets carry theirs.
        let cn = "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:ecr-pullthroughcache/hub-AbC123";
        assert!(credential_arn(cn, "cn-north-1", "123456789012").is_ok());
        let gov = cn
            .replace("aws-cn", "aws-us-gov")
            .replace("cn-north-1", "us-gov-west-1");
        assert!(credential_arn(&gov, "us-gov-west-1", "123456789012").is_ok());
        let wrong = cn.replace("aws-cn:", "aws:");
        assert!(
            credential_arn(&wrong, "cn-north-1", "123456789012")
                .is_err_and(|e| e.contains("arn:aws-cn:secretsmanager"))
        );
    }

    #[test]
    fn tags() {
        assert!(image_tag("v1.2.3").is_ok());
        assert!(image_tag("_x").is_ok());
        assert!(image_tag("").is_err());
        assert!(image_tag(".x").is_err());
        assert!(image_tag("a/b").is_err());
        assert!(image_tag(&"a".repeat(301)).is_err());
        assert!(image_tag(&"a".repeat(300)).is_ok(), "ECR allows 300");
        assert!(image_tag("v1 2").is_err());
        assert!(
            image_tag("tag\u{e9}").is_err(),
            "multi-byte: refused, no panic"
        );
    }

    #[test]
    fn filters() {
        assert!(exclusion_filter("release-*").is_ok());
        assert!(exclusion_filter("*-rc*").is_ok());
        assert!(exclusion_filter("*a*b*").is_err());
        assert!(exclusion_filter("a/b").is_err());
        assert!(exclusion_filter("").is_err());
        let six: Vec<String> = (0..6).map(|i| format!("f{i}")).collect();
        assert!(exclusion_filters(&six).is_err());
    }

    #[test]
    fn regions_and_typos() {
        assert!(region("eu-west-1").is_ok());
        // Shaped but unknown: accepted, with a hint (AWS adds regions).
        assert!(region("us-easst-1").is_ok());
        let hint = region_suggestion("us-easst-1").expect("a hint");
        assert!(hint.contains("us-east-1"), "{hint}");
        assert!(
            region("eusc-de-east-1").is_ok(),
            "a region newer than the list"
        );
        assert!(region_suggestion("eu-west-1").is_none());
        assert!(region("useast1").is_err());
        assert!(region("").is_err());
    }

    #[test]
    fn endpoints() {
        for ok in [
            "http://127.0.0.1:5000",
            "https://ecr.example.com",
            "http://localhost:4566/",
            "http://[::1]:5000",
        ] {
            assert!(endpoint_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "127.0.0.1:5000",
            "ftp://x",
            "http://",
            "http://a:b@host",
            "http://host:99999",
            "http://ho st",
        ] {
            assert!(endpoint_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn registry_ids() {
        assert!(registry_id("123456789012").is_ok());
        assert!(registry_id("12345678901").is_err());
        assert!(registry_id("12345678901a").is_err());
    }

    #[test]
    fn kms_keys() {
        assert!(
            kms_key(
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "us-east-1"
            )
            .is_ok()
        );
        let e =
            kms_key("arn:aws:kms:eu-west-1:123456789012:key/abc", "us-east-1").expect_err("region");
        assert!(e.contains("same region"));
        assert!(kms_key("alias/my-key", "us-east-1").is_ok());
        assert!(kms_key("1234abcd-12ab-34cd-56ef-1234567890ab", "us-east-1").is_ok());
        assert!(kms_key("nonsense", "us-east-1").is_err());
    }

    #[test]
    fn pull_through_rules() {
        let cred = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/dockerhub-AbCdEf";
        assert!(
            pull_through_rule(
                "docker-hub",
                "docker-hub",
                "registry-1.docker.io",
                Some(cred),
                "us-east-1",
                "123456789012"
            )
            .is_ok()
        );
        let e = pull_through_rule(
            "docker-hub",
            "docker-hub",
            "registry-1.docker.io",
            None,
            "us-east-1",
            "123456789012",
        )
        .expect_err("needs cred");
        assert!(e.contains("needs a credential"));
        assert!(
            pull_through_rule(
                "ecr-public",
                "ecr-public",
                "public.ecr.aws",
                None,
                "us-east-1",
                "123456789012"
            )
            .is_ok()
        );
        assert!(
            pull_through_rule(
                "x",
                "ecr-public",
                "public.ecr.aws",
                None,
                "us-east-1",
                "123456789012"
            )
            .is_err()
        );
        assert!(
            pull_through_rule("ROOT", "quay", "quay.io", None, "us-east-1", "123456789012").is_ok()
        );
        assert!(
            pull_through_rule("q", "quay", "docker.io", None, "us-east-1", "123456789012").is_err()
        );
        let other_region = cred.replace("us-east-1", "eu-west-1");
        assert!(credential_arn(&other_region, "us-east-1", "123456789012").is_err());
        assert!(
            credential_arn(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:other/x",
                "us-east-1",
                "123456789012"
            )
            .is_err()
        );
        assert!(UpstreamKind::Azure.url_matches("myreg.azurecr.io"));
        assert!(UpstreamKind::Ecr.url_matches("123456789012.dkr.ecr.us-west-2.amazonaws.com"));
    }
}

/// Resource tags allowed on one resource (TagResource `tags`: 0..200 in the
/// API; AWS's tagging rules cap a resource at 50).
pub const MAX_RESOURCE_TAGS: usize = 50;

/// A resource tag as AWS tags are checked (ECR API Tag: `Key` 1..128,
/// `Value` 0..256; AWS tagging rules: letters, numbers and spaces in any
/// language, and `_ . : / = + - @`; the `aws:` prefix is reserved).
pub fn resource_tag(key: &str, value: &str) -> Result<(), String> {
    // AWS's pattern is `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`: \p{Z} is the
    // separators (the space, the no-break space…), not tabs or line breaks,
    // which `char::is_whitespace` would let through and AWS refuses.
    let allowed = |c: char| {
        c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
    };
    let key_len = key.chars().count();
    if key_len == 0 || key_len > 128 {
        return Err("A tag key has 1 to 128 characters.".into());
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err("Tag keys starting with aws: are reserved for AWS.".into());
    }
    if value.chars().count() > 256 {
        return Err("A tag value has at most 256 characters.".into());
    }
    if !key.chars().all(allowed) || !value.chars().all(allowed) {
        return Err("Tags use letters, numbers, spaces and _ . : / = + - @ only.".into());
    }
    Ok(())
}

/// A whole set of tags for one resource: each valid, keys unique, at most
/// [`MAX_RESOURCE_TAGS`].
pub fn resource_tags(tags: &[(String, String)]) -> Result<(), String> {
    if tags.len() > MAX_RESOURCE_TAGS {
        return Err(format!(
            "A repository has at most {MAX_RESOURCE_TAGS} tags."
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (k, v) in tags {
        resource_tag(k, v).map_err(|e| format!("{k}: {e}"))?;
        if !seen.insert(k.as_str()) {
            return Err(format!("The key {k} is used twice."));
        }
    }
    Ok(())
}

/// A link from a server (a finding's URI, a reference) that may be opened:
/// `http://` or `https://` only, with no spaces or control characters.
pub fn web_link(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() > 8
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod endpoint_warning_tests {
    use super::endpoint_warning;

    #[test]
    fn only_loopback_http_goes_without_a_warning() {
        for quiet in [
            "http://127.0.0.1:5000",
            "http://localhost:4566/",
            "http://[::1]:5000",
            "https://ecr.example.com",
            "https://10.0.0.5",
        ] {
            assert_eq!(endpoint_warning(quiet), None, "{quiet}");
        }
        for loud in [
            "http://10.0.0.5:5000",
            "http://ecr.internal",
            "http://[fe80::1]:80",
        ] {
            assert!(
                endpoint_warning(loud).is_some_and(|w| w.contains("unencrypted")),
                "{loud}"
            );
        }
    }
}

#[cfg(test)]
mod web_link_tests {
    use super::web_link;

    #[test]
    fn only_http_links_open() {
        assert!(web_link("https://nvd.nist.gov/vuln/detail/CVE-2024-1"));
        assert!(web_link("HTTP://example.com/x"));
        assert!(!web_link("javascript:alert(1)"));
        assert!(!web_link("file:///etc/passwd"));
        assert!(!web_link("https://exa mple.com"));
        assert!(!web_link("ssh://host"));
        assert!(!web_link("https://"));
        assert!(!web_link("hé"));
    }
}

#[cfg(test)]
mod signing_tests {
    use super::*;

    const ARN: &str = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/release_2026";

    #[test]
    fn signing_profile_arns_as_the_reference_spells_them() {
        assert_eq!(signing_profile_arn(ARN, "us-east-1"), Ok(()));
        assert_eq!(
            signing_profile_arn(
                "arn:aws-cn:signer:cn-north-1:123456789012:/signing-profiles/ab",
                "cn-north-1"
            ),
            Ok(())
        );
        for (bad, says) in [
            ("arn:aws:kms:us-east-1:123456789012:key/x", "looks like"),
            (
                "arn:aws:signer:us-east-1:12345:/signing-profiles/ab",
                "12 digits",
            ),
            (
                "arn:aws:signer:us-east-1:123456789012:/signing-profiles/a",
                "at least 2",
            ),
            (
                "arn:aws:signer:us-east-1:123456789012:/signing-profiles/a-b",
                "letters, digits and '_'",
            ),
            (
                "arn:aws:signer:us-east-1:123456789012:signing-profiles/ab",
                "looks like",
            ),
            (
                "arn:aws-cn:signer:cn-north-1:123456789012:/signing-profiles/ab",
                "partition 'aws-cn'",
            ),
            (
                "arn:aws:signer:US-EAST-1:123456789012:/signing-profiles/ab",
                "looks like",
            ),
        ] {
            let e = signing_profile_arn(bad, "us-east-1").expect_err(bad);
            assert!(e.contains(says), "{bad}: {e}");
        }
        let long = format!("{ARN}{}", "x".repeat(200));
        assert!(signing_profile_arn(&long, "us-east-1").is_err());
    }

    #[test]
    fn signing_filters_and_rules() {
        for ok in ["payments/*", "*/production", "*prod*", "a", "team-a/app.v2"] {
            assert_eq!(signing_filter(ok), Ok(()), "{ok}");
        }
        for bad in ["", "Payments/*", "a//b", "/a", "a/", "a--b", "a b", "läger"] {
            assert!(signing_filter(bad).is_err(), "{bad}");
        }
        assert!(signing_filter(&"a".repeat(257)).is_err());
        let rule = |filters: &[&str]| {
            (
                ARN.to_owned(),
                filters.iter().map(|f| (*f).to_owned()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            signing_rules(&[rule(&[]), rule(&["payments/*"])], "us-east-1"),
            Ok(())
        );
        let eleven: Vec<_> = (0..11).map(|_| rule(&[])).collect();
        assert!(
            signing_rules(&eleven, "us-east-1")
                .unwrap_err()
                .contains("10 rules")
        );
        let many: Vec<String> = (0..101).map(|i| format!("r{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(
            signing_rules(&[rule(&refs)], "us-east-1")
                .unwrap_err()
                .contains("Rule 1: at most 100")
        );
        assert!(
            signing_rules(&[rule(&[]), rule(&["Bad"])], "us-east-1")
                .unwrap_err()
                .starts_with("Rule 2:")
        );
    }

    #[test]
    fn wildcards_match_repository_names() {
        assert!(signing_filter_matches("payments/*", "payments/checkout"));
        assert!(signing_filter_matches("*/production", "web/production"));
        assert!(signing_filter_matches("*prod*", "a/prod-x"));
        assert!(signing_filter_matches("exact", "exact"));
        assert!(!signing_filter_matches("payments/*", "web/payments"));
        assert!(!signing_filter_matches("exact", "exactly"));
    }
}
