//! Property tests. The validation rules against ECR's API-reference patterns
//! as written (a string the app accepts matches ECR's pattern, and the
//! reverse); parsers that never panic and round-trip what they accept; the
//! JSON tokenizer of the coloured views; exports read back by independent
//! readers (`csv`, `serde_json`). Sized to run in seconds.

use ecrscope::lifecycle_policy as lp;
use ecrscope::model::manifest::{self, Manifest};
use ecrscope::model::{Digest, Finding, ScanReport, Severity};
use ecrscope::scanning::export::{self, ImageReport};
use ecrscope::ui::json_view;
use ecrscope::validate;
use proptest::prelude::*;
use regex::Regex;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 2048,
        // Failures print their minimal input; no regression files are kept.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Mostly-valid strings from a grammar, mixed with strings from a wider
/// alphabet (upper case, doubled separators, spaces, slashes, multi-byte).
fn names() -> impl Strategy<Value = String> {
    let component = "[a-z0-9]{1,5}([._-][a-z0-9]{1,4}){0,2}";
    prop_oneof![
        prop::collection::vec(component, 1..4).prop_map(|c| c.join("/")),
        "[a-zA-Z0-9._/ -]{0,40}",
        "[a-z0-9_]{1,5}(__|--|\\.\\.|//)[a-z0-9]{1,5}",
        "[a-zé/]{0,8}",
        "[a-z]{250,260}",
    ]
}

proptest! {
    #![proptest_config(config())]

    /// CreateRepository repositoryName: 2..256,
    /// `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`.
    #[test]
    fn repository_names_match_ecrs_pattern(s in names()) {
        let ecr = Regex::new(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$").unwrap();
        let documented = (2..=256).contains(&s.len()) && ecr.is_match(&s);
        prop_assert_eq!(validate::repository_name(&s).is_ok(), documented, "{:?}", s);
    }

    /// CreatePullThroughCacheRule ecrRepositoryPrefix: 2..30,
    /// `^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT)$`.
    #[test]
    fn pull_through_prefixes_match_ecrs_pattern(s in prop_oneof![names(), names().prop_map(|n| format!("{n}/")), Just("ROOT".to_owned())]) {
        let ecr = Regex::new(r"^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT)$").unwrap();
        let documented = (2..=30).contains(&s.len()) && ecr.is_match(&s);
        prop_assert_eq!(validate::pull_through_prefix(&s).is_ok(), documented, "{:?}", s);
    }

    /// PutImage imageTag: 1..300; characters: the OCI tag grammar.
    #[test]
    fn image_tags_match_the_documented_rule(s in prop_oneof!["[a-zA-Z0-9_.-]{0,12}", "[a-zA-Z0-9_.:/ @é-]{0,12}", "[a-z]{295,305}"]) {
        let grammar = Regex::new(r"^[a-zA-Z0-9_][a-zA-Z0-9._-]*$").unwrap();
        let documented = (1..=300).contains(&s.len()) && grammar.is_match(&s);
        prop_assert_eq!(validate::image_tag(&s).is_ok(), documented, "{:?}", s);
    }

    /// ImageTagMutabilityExclusionFilter filter: `^[0-9a-zA-Z._*-]{1,128}$`,
    /// at most two wildcards.
    #[test]
    fn exclusion_filters_match_ecrs_pattern(s in prop_oneof!["[0-9a-zA-Z._*-]{0,10}", "[0-9a-zA-Z._*/ -]{0,10}", "[a-z*]{120,135}"]) {
        let ecr = Regex::new(r"^[0-9a-zA-Z._*-]{1,128}$").unwrap();
        let documented = ecr.is_match(&s) && s.matches('*').count() <= 2;
        prop_assert_eq!(validate::exclusion_filter(&s).is_ok(), documented, "{:?}", s);
    }

    /// CreatePullThroughCacheRule credentialArn: 50..612,
    /// `^arn:aws:secretsmanager:[a-zA-Z0-9-:]+:secret:ecr\-pullthroughcache\/[a-zA-Z0-9\/_+=.@-]+$`
    /// (in the registry's region and account).
    #[test]
    fn credential_arns_match_ecrs_pattern(name in prop_oneof!["[a-zA-Z0-9/_+=.@-]{0,20}", "[a-zA-Z0-9/_+=.@ :!-]{0,20}", "[a-z]{560,600}"]) {
        let arn = format!("arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/{name}");
        let ecr = Regex::new(r"^arn:aws:secretsmanager:[a-zA-Z0-9-:]+:secret:ecr\-pullthroughcache/[a-zA-Z0-9/_+=.@-]+$").unwrap();
        let documented = (50..=612).contains(&arn.len()) && ecr.is_match(&arn);
        prop_assert_eq!(
            validate::credential_arn(&arn, "us-east-1", "123456789012").is_ok(),
            documented,
            "{:?}",
            arn
        );
    }

    /// Signing rule filters are exactly SigningRepositoryFilter's pattern
    /// and length (ECR managed signing).
    #[test]
    fn signing_filters_match_ecrs_pattern(s in prop_oneof!["[a-z0-9*._/-]{0,14}", "[a-zA-Z0-9*._/ é-]{0,10}", "[a-z*]{250,260}"]) {
        let ecr = Regex::new(r"^(?:[a-z0-9*]+(?:[._-][a-z0-9*]+)*/)*[a-z0-9*]+(?:[._-][a-z0-9*]+)*$").unwrap();
        let documented = (1..=256).contains(&s.len()) && ecr.is_match(&s);
        prop_assert_eq!(validate::signing_filter(&s).is_ok(), documented, "{:?}", s);
    }

    /// Signing profile ARNs are exactly SigningRule's pattern and length
    /// (in the registry's own partition).
    #[test]
    fn signing_profile_arns_match_ecrs_pattern(name in prop_oneof!["[a-zA-Z0-9_]{0,8}", "[a-zA-Z0-9_ ./-]{0,8}", "[a-z]{140,160}"], account in prop_oneof![Just("123456789012".to_owned()), "[0-9]{10,13}"]) {
        let arn = format!("arn:aws:signer:us-east-1:{account}:/signing-profiles/{name}");
        let ecr = Regex::new(r"^arn:aws(-[a-z]+)*:signer:[a-z0-9-]+:[0-9]{12}:/signing-profiles/[a-zA-Z0-9_]{2,}$").unwrap();
        let documented = arn.len() <= 200 && ecr.is_match(&arn);
        prop_assert_eq!(validate::signing_profile_arn(&arn, "us-east-1").is_ok(), documented, "{:?}", arn);
    }

    /// Registry ids are 12-digit account ids.
    #[test]
    fn registry_ids_are_twelve_digits(s in "[0-9a ]{0,14}") {
        let ecr = Regex::new(r"^[0-9]{12}$").unwrap();
        prop_assert_eq!(validate::registry_id(&s).is_ok(), ecr.is_match(&s));
    }

    /// Endpoint URLs: never a panic; what is accepted is http(s), with a
    /// host and no credentials or spaces in it.
    #[test]
    fn endpoint_urls_accepted_are_plain_http_urls(s in prop_oneof!["https?://[a-z0-9.:@/ é-]{0,30}", "[a-z:/.@ ]{0,20}"]) {
        if validate::endpoint_url(&s).is_ok() {
            let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
            prop_assert!(rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/')), "{:?}", s);
            let authority = rest.unwrap_or_default().split('/').next().unwrap_or_default();
            prop_assert!(!authority.contains('@') && !s.contains(' '), "{:?}", s);
        }
    }

    /// Regions: never a panic; a hint only for what is accepted.
    #[test]
    fn region_hints_only_for_accepted_regions(s in "[a-z0-9-]{0,16}") {
        if validate::region_suggestion(&s).is_some() {
            prop_assert!(validate::region(&s).is_ok());
        }
    }
}

fn descriptor() -> impl Strategy<Value = (String, [u8; 32], i64)> {
    ("[a-z./+-]{1,20}", any::<[u8; 32]>(), any::<i64>())
}

proptest! {
    #![proptest_config(config())]

    /// Any text: never a panic.
    #[test]
    fn manifest_parsing_never_panics(s in any::<String>(), b in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = manifest::parse_manifest(&s);
        let _ = manifest::parse_config(&b);
        let _ = manifest::parse_config(s.as_bytes());
    }

    /// A manifest with any layers (sizes of any i64) parses to those layers,
    /// and the total saturates rather than overflowing.
    #[test]
    fn manifests_round_trip_their_layers(config in descriptor(), layers in prop::collection::vec(descriptor(), 0..20)) {
        let d = |(mt, bytes, size): &(String, [u8; 32], i64)| {
            serde_json::json!({"mediaType": mt, "digest": Digest(*bytes).to_string(), "size": size})
        };
        let text = serde_json::json!({
            "schemaVersion": 2,
            "config": d(&config),
            "layers": layers.iter().map(d).collect::<Vec<_>>(),
        })
        .to_string();
        let parsed = manifest::parse_manifest(&text).map_err(TestCaseError::fail)?;
        let Manifest::Image { layers: got, config: c, .. } = &parsed else {
            return Err(TestCaseError::fail("not an image manifest"));
        };
        prop_assert_eq!(got.len(), layers.len());
        for (g, (mt, bytes, size)) in got.iter().zip(&layers) {
            prop_assert_eq!(&g.media_type, mt);
            prop_assert_eq!(g.digest, Some(Digest(*bytes)));
            prop_assert_eq!(g.size, *size);
        }
        prop_assert_eq!(c.as_ref().and_then(|c| c.digest), Some(Digest(config.1)));
        let sum = layers.iter().fold(0i64, |a, l| a.saturating_add(l.2));
        prop_assert_eq!(parsed.layers_size(), sum);
    }

    /// The tokenizer covers every byte, in order, on character boundaries,
    /// whatever the text.
    #[test]
    fn json_tokens_cover_every_byte(s in prop_oneof![any::<String>(), "[{}\\[\\]\":,0-9a-z é\\\\-]{0,60}"]) {
        let spans = json_view::tokens(&s);
        let mut at = 0;
        for (r, _) in &spans {
            prop_assert_eq!(r.start, at, "spans are contiguous in {:?}", s);
            prop_assert!(r.end > r.start);
            prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
            at = r.end;
        }
        prop_assert_eq!(at, s.len());
    }
}

/// Rules ECR accepts, each with fields this version may not know.
fn rule(priority: i64) -> impl Strategy<Value = serde_json::Value> {
    let tag = prop_oneof![
        Just(serde_json::json!({"tagStatus": "untagged"})),
        prop::collection::vec("[a-z]{1,6}", 1..3)
            .prop_map(|p| serde_json::json!({"tagStatus": "tagged", "tagPrefixList": p})),
        prop::collection::vec("[a-z]{1,4}\\*?", 1..3)
            .prop_map(|p| serde_json::json!({"tagStatus": "tagged", "tagPatternList": p})),
    ];
    let count = prop_oneof![
        (1i64..1000).prop_map(|n| (serde_json::json!({"countType": "imageCountMoreThan", "countNumber": n}), false)),
        (1i64..1000).prop_map(|n| (serde_json::json!({"countType": "sinceImagePushed", "countUnit": "days", "countNumber": n}), false)),
        (1i64..1000).prop_map(|n| (serde_json::json!({"countType": "sinceImagePulled", "countUnit": "days", "countNumber": n}), false)),
        (90i64..1000).prop_map(|n| (serde_json::json!({"countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": n, "storageClass": "archive"}), true)),
    ];
    let extra = prop::option::of(("[a-z]{3,8}", "[a-z0-9 ]{0,8}"));
    (tag, count, any::<bool>(), extra, "[a-zA-Z0-9 é]{0,20}").prop_map(
        move |(tag, (count, archived), transition, extra, description)| {
            let mut selection = tag;
            for (k, v) in count.as_object().into_iter().flatten() {
                selection[k] = v.clone();
            }
            let action = if transition && !archived {
                serde_json::json!({"type": "transition", "targetStorageClass": "archive"})
            } else {
                serde_json::json!({"type": "expire"})
            };
            let mut r = serde_json::json!({
                "rulePriority": priority,
                "description": description,
                "selection": selection,
                "action": action,
            });
            if let Some((k, v)) = extra {
                r[format!("x{k}")] = serde_json::json!(v);
                r["selection"][format!("x{k}")] = serde_json::json!(v);
            }
            r
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..config() })]

    /// Parse then serialise keeps every field, known or not.
    #[test]
    fn lifecycle_policies_round_trip_every_field(rules in (1usize..5).prop_flat_map(|n| {
        (1..=n as i64).map(rule).collect::<Vec<_>>()
    })) {
        let doc = serde_json::json!({"rules": rules});
        let text = doc.to_string();
        let policy: lp::Policy = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&policy).unwrap()).unwrap();
        prop_assert_eq!(back, doc);
        // And whatever the checker says, it says without panicking.
        let _ = lp::parse(&text);
    }

    /// Any text: the checker never panics.
    #[test]
    fn lifecycle_parse_never_panics(s in any::<String>()) {
        let _ = lp::parse(&s);
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,12}",
        "[=+@\\-\t\r\n,\"' a-zé]{0,16}",
        any::<String>(),
    ]
}

fn finding() -> impl Strategy<Value = Finding> {
    (
        "[A-Z]{3}-[0-9]{4}",
        prop::sample::select(vec![
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Informational,
            Severity::Undefined,
        ]),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(any::<f64>()),
    )
        .prop_map(|(id, severity, package, title, uri, score)| Finding {
            id,
            severity,
            score,
            package,
            installed_version: None,
            fixed_in: None,
            fix_available: None,
            exploit_available: None,
            title,
            description: None,
            uri,
            cvss_vector: None,
            package_path: None,
            references: Vec::new(),
            remediation: None,
            first_observed: None,
            last_observed: None,
            attributes: Vec::new(),
        })
}

/// What a spreadsheet shows for a cell the export wrote: the text, with a
/// leading `'` on what would otherwise run as a formula.
fn as_written(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..config() })]

    /// CSV, JSON and SARIF exports of any findings parse back with
    /// independent readers, one row or result per finding, text intact.
    #[test]
    fn exports_parse_back(findings in prop::collection::vec(finding(), 0..12), repo in text(), tags in prop::collection::vec(text(), 0..3)) {
        let reports = vec![ImageReport {
            repository: repo.clone(),
            digest: Digest([7; 32]),
            tags,
            report: ScanReport { findings: findings.clone(), ..ScanReport::default() },
        }];
        let csv_text = export::to_csv(&reports);
        let mut rd = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
        let rows: Vec<csv::StringRecord> = rd.records().collect::<Result<_, _>>().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(rows.len(), findings.len());
        for (row, f) in rows.iter().zip(&findings) {
            prop_assert_eq!(row.get(0).unwrap_or_default(), as_written(&repo));
            prop_assert_eq!(row.get(3).unwrap_or_default(), as_written(&f.id));
            prop_assert_eq!(row.get(11).unwrap_or_default(), as_written(f.title.as_deref().unwrap_or("")));
        }
        let json: serde_json::Value = serde_json::from_str(&export::to_json(&reports)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let n = json.pointer("/0/findings").and_then(|f| f.as_array()).map_or(0, Vec::len);
        prop_assert_eq!(n, findings.len(), "{}", json);
        let sarif: serde_json::Value = serde_json::from_str(&export::to_sarif(&reports)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(sarif["runs"][0]["results"].as_array().map_or(0, Vec::len), findings.len());
    }
}

/// Global search as a state machine, driven the way the app drives it: each
/// command a search asks for is answered later, in an order proptest picks,
/// with success or failure, while the user cancels or starts new searches.
/// Whatever happens: every search ends once its asks are answered, each
/// repository is asked at most once per search, and each registry listed at
/// most once per search (a failure is never asked again).
mod search_machine {
    use std::collections::HashMap;

    use ecrscope::message::{
        BrowseCommand, BrowsePayload, Command, Event, Payload, SearchCommand, SearchPayload,
    };
    use ecrscope::model::{
        EcrError, Encryption, RegistryKey, RegistrySource, RegistrySpec, Repository,
        TagMutabilitySetting,
    };
    use ecrscope::state::{AppState, FollowUp};
    use proptest::prelude::*;

    fn spec(i: usize) -> RegistrySpec {
        RegistrySpec {
            profile: Some(format!("p{i}")),
            region: "us-east-1".into(),
            endpoint: None,
            registry_id: None,
            source: RegistrySource::Profile,
        }
    }

    fn repo(name: &str) -> Repository {
        Repository {
            name: name.into(),
            arn: format!("arn:aws:ecr:us-east-1:123456789012:repository/{name}"),
            registry_id: "123456789012".into(),
            uri: format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}"),
            created_at: None,
            tag_mutability: TagMutabilitySetting::default(),
            encryption: Encryption::default(),
            scan_on_push: false,
        }
    }

    fn denied() -> EcrError {
        EcrError::AccessDenied {
            operation: "x".into(),
            who: "someone".into(),
            detail: "denied".into(),
        }
    }

    #[derive(Clone, Debug)]
    enum Step {
        /// Answer the pending ask at this index (modulo), ok or failed.
        Answer(usize, bool),
        /// Answer it twice (a late duplicate).
        Twice(usize),
        Cancel,
        /// A new search: query, and whether to filter by resource tag.
        NewSearch(u8, bool),
        /// Someone else refreshes a registry (F5) meanwhile.
        Refresh(usize),
    }

    fn steps() -> impl Strategy<Value = Vec<Step>> {
        prop::collection::vec(
            prop_oneof![
                8 => (any::<usize>(), prop::bool::weighted(0.7)).prop_map(|(i, ok)| Step::Answer(i, ok)),
                1 => any::<usize>().prop_map(Step::Twice),
                1 => Just(Step::Cancel),
                1 => (0u8..3, any::<bool>()).prop_map(|(q, t)| Step::NewSearch(q, t)),
                1 => (0usize..3).prop_map(Step::Refresh),
            ],
            0..60,
        )
    }

    struct Sim {
        st: AppState,
        next: u64,
        pending: Vec<(u64, Command)>,
        /// (search id, what) → times asked.
        asked: HashMap<(u64, String), usize>,
    }

    impl Sim {
        fn search_id(&self) -> u64 {
            self.st.search.as_ref().map_or(0, |s| s.id)
        }

        fn carry(&mut self, follow: Vec<FollowUp>) {
            for f in follow {
                let FollowUp::Request(cmd) = f else { continue };
                let what = match &cmd {
                    Command::Browse(BrowseCommand::Repositories(s)) => {
                        Some(format!("list {}", s.key().0))
                    }
                    Command::Search(SearchCommand::Find { repo, .. })
                    | Command::Browse(BrowseCommand::Images(repo)) => {
                        Some(format!("repo {} {}", repo.registry.key().0, repo.name))
                    }
                    Command::Browse(BrowseCommand::RepoTags { registry, repos }) => Some(format!(
                        "tags {} {}",
                        registry.key().0,
                        repos
                            .iter()
                            .map(|r| r.0.as_str())
                            .collect::<Vec<_>>()
                            .join(",")
                    )),
                    _ => None,
                };
                let Some(what) = what else { continue };
                if let Some(s) = self.st.search.as_ref().filter(|s| s.is_running()) {
                    *self.asked.entry((s.id, what)).or_default() += 1;
                }
                self.next += 1;
                self.st.started(self.next, &cmd);
                self.pending.push((self.next, cmd));
            }
        }

        fn answer(&mut self, id: u64, cmd: &Command, ok: bool) {
            let events: Vec<(Option<RegistryKey>, Payload)> = match cmd {
                Command::Browse(BrowseCommand::Repositories(s)) => {
                    let mut v = Vec::new();
                    if ok {
                        v.push((
                            Some(s.key()),
                            Payload::Browse(BrowsePayload::RepositoriesPage(vec![
                                repo("team/a"),
                                repo("team/b"),
                            ])),
                        ));
                    }
                    v.push((
                        Some(s.key()),
                        Payload::Browse(BrowsePayload::RepositoriesDone(if ok {
                            Ok(2)
                        } else {
                            Err(denied())
                        })),
                    ));
                    v
                }
                Command::Search(SearchCommand::Find { repo, search, .. }) => vec![(
                    Some(repo.registry.key()),
                    Payload::Search(SearchPayload::Found {
                        repo: repo.clone(),
                        search: *search,
                        result: if ok { Ok(Vec::new()) } else { Err(denied()) },
                    }),
                )],
                Command::Browse(BrowseCommand::Images(repo)) => {
                    let mut v = Vec::new();
                    if ok {
                        v.push((
                            Some(repo.registry.key()),
                            Payload::Browse(BrowsePayload::ImagesPage {
                                repo: repo.clone(),
                                images: Vec::new(),
                            }),
                        ));
                    }
                    v.push((
                        Some(repo.registry.key()),
                        Payload::Browse(BrowsePayload::ImagesDone {
                            repo: repo.clone(),
                            result: if ok { Ok(0) } else { Err(denied()) },
                        }),
                    ));
                    v
                }
                Command::Browse(BrowseCommand::RepoTags { registry, repos }) => repos
                    .iter()
                    .map(|(name, _)| {
                        (
                            Some(registry.key()),
                            Payload::Browse(BrowsePayload::RepoTags {
                                repo: ecrscope::model::RepoRef::new(registry, name),
                                result: if ok {
                                    Ok(vec![("team".into(), "pay".into())])
                                } else {
                                    Err(denied())
                                },
                            }),
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for (registry, payload) in events {
                let follow = self.st.apply(Event {
                    request: id,
                    registry,
                    payload,
                });
                self.carry(follow);
            }
        }

        fn start(&mut self, q: u8, by_tag: bool) {
            let scope = self.st.registries.iter().map(|r| r.spec.key()).collect();
            let query = ["v1", "sha256:abcdef", "3f9c2b1e8d7a"][usize::from(q) % 3];
            let filter = if by_tag { "team=pay" } else { "" };
            let follow = self.st.start_search(query, scope, filter);
            self.carry(follow);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn every_search_ends_and_asks_each_repository_once(
            steps in steps(),
            first in (0u8..3, any::<bool>()),
            settled in prop::collection::vec(any::<bool>(), 3),
        ) {
            let mut sim = Sim { st: AppState::default(), next: 0, pending: Vec::new(), asked: HashMap::new() };
            sim.st.set_registries((0..3).map(spec).collect());
            // Some registries were listed (or failed) before the search;
            // the others are listed by it.
            for (i, listed) in settled.iter().enumerate() {
                if *listed {
                    let cmd = Command::Browse(BrowseCommand::Repositories(spec(i)));
                    sim.next += 1;
                    let id = sim.next;
                    sim.st.started(id, &cmd);
                    sim.answer(id, &cmd, i != 1);
                }
            }
            sim.start(first.0, first.1);
            for step in steps {
                match step {
                    Step::Answer(i, ok) if !sim.pending.is_empty() => {
                        let (id, cmd) = sim.pending.remove(i % sim.pending.len());
                        sim.answer(id, &cmd, ok);
                    }
                    Step::Twice(i) if !sim.pending.is_empty() => {
                        let (id, cmd) = sim.pending.remove(i % sim.pending.len());
                        sim.answer(id, &cmd, true);
                        sim.answer(id, &cmd, true);
                    }
                    Step::Cancel => sim.st.cancel_search(),
                    Step::NewSearch(q, t) => sim.start(q, t),
                    Step::Refresh(r) => {
                        let cmd = Command::Browse(BrowseCommand::Repositories(spec(r)));
                        sim.next += 1;
                        sim.st.started(sim.next, &cmd);
                        sim.pending.push((sim.next, cmd));
                    }
                    _ => {}
                }
            }
            // Everything still asked is answered, in order, mostly well.
            let mut k = 0;
            while let Some((id, cmd)) = (!sim.pending.is_empty()).then(|| sim.pending.remove(0)) {
                k += 1;
                prop_assert!(k < 10_000, "the asks never end");
                sim.answer(id, &cmd, k % 3 != 0);
            }
            if let Some(s) = &sim.st.search {
                prop_assert!(!s.is_running(), "search {} still running: {:?}", s.id, s);
                prop_assert!(s.done <= s.total, "{} of {}", s.done, s.total);
            }
            for ((id, what), n) in &sim.asked {
                prop_assert!(*n <= 1, "search {id} asked {what} {n} times");
            }
            let _ = sim.search_id();
        }
    }
}

/// The policy editor: whatever the rows make reads back as the same
/// statements (rows and JSON kept in step lose nothing); any text the JSON
/// field holds is read or refused in words, never a panic; an action ECR
/// does not have is refused before any call.
mod policy_editor {
    use ecr_core::policy;
    use ecrscope::admin::actions::PolicyTarget;
    use ecrscope::admin::policy_form::PolicyForm;
    use ecrscope::model::{RegistrySource, RegistrySpec};
    use proptest::prelude::*;

    fn principal() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("*".to_owned()),
            "[0-9]{12}",
            "[0-9]{12}".prop_map(|a| format!("arn:aws:iam::{a}:root")),
            ("[0-9]{12}", "[A-Za-z0-9+=,.@_-]{1,20}")
                .prop_map(|(a, r)| format!("arn:aws:iam::{a}:role/{r}")),
            "[a-z][a-z0-9-]{0,15}".prop_map(|s| format!("{s}.amazonaws.com")),
        ]
    }

    fn action() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(policy::ECR_ACTIONS).prop_map(str::to_owned),
            Just("ecr:*".to_owned()),
            Just("ecr:Batch*".to_owned()),
        ]
    }

    fn statement() -> impl Strategy<Value = policy::Statement> {
        (
            "[A-Za-z0-9]{0,12}",
            any::<bool>(),
            prop::collection::vec(principal(), 1..4),
            prop::collection::vec(action(), 1..5),
            prop::option::of("o-[a-z0-9]{10}"),
        )
            .prop_map(|(sid, allow, principals, actions, org)| policy::Statement {
                sid,
                effect: if allow {
                    policy::Effect::Allow
                } else {
                    policy::Effect::Deny
                },
                principals: principals
                    .iter()
                    .map(|p| policy::Principal::parse(p))
                    .collect(),
                actions,
                resources: Vec::new(),
                condition: org
                    .map(|o| serde_json::json!({"StringEquals": {"aws:PrincipalOrgID": o}})),
                other: serde_json::Map::new(),
            })
    }

    fn form() -> PolicyForm {
        let spec = RegistrySpec {
            profile: None,
            region: "us-east-1".into(),
            endpoint: None,
            registry_id: None,
            source: RegistrySource::Demo,
        };
        PolicyForm::new(
            PolicyTarget::Repository(ecrscope::model::RepoRef::new(&spec, "web")),
            String::new(),
            None,
            Some("123456789012".into()),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn what_the_rows_make_reads_back_the_same(stmts in prop::collection::vec(statement(), 1..6)) {
            let p = policy::Policy { statements: stmts, ..policy::Policy::default() };
            // Through the editor: JSON in, rows out, JSON again.
            let mut f = form();
            f.json = policy::to_json(&p);
            f.json_changed();
            prop_assert!(f.json_error.is_none());
            f.rows_changed();
            let back = policy::parse(&f.json).expect("the editor's JSON reads");
            // A principal list reads back grouped by kind; compare as sets.
            prop_assert_eq!(back.statements.len(), p.statements.len());
            for (a, b) in back.statements.iter().zip(&p.statements) {
                let mut pa = a.principals.clone();
                let mut pb = b.principals.clone();
                pa.sort();
                pb.sort();
                pa.dedup();
                pb.dedup();
                prop_assert_eq!(pa, pb);
                prop_assert_eq!(&a.actions, &b.actions);
                prop_assert_eq!(&a.sid, &b.sid);
                prop_assert_eq!(a.effect, b.effect);
                prop_assert_eq!(&a.condition, &b.condition);
            }
            // Valid statements pass the checks: the Save button would send.
            prop_assert!(f.check().is_ok(), "{:?}", f.check());
        }

        #[test]
        fn any_text_is_read_or_refused_in_words(text in "\\PC{0,200}") {
            let mut f = form();
            f.json = text;
            f.json_changed();
            match f.check() {
                Ok(_) => {}
                Err(p) => prop_assert!(
                    p.document.as_deref().is_some_and(|m| !m.is_empty())
                        || p.rows.iter().flatten().any(|m| !m.is_empty())
                ),
            }
        }

        #[test]
        fn an_action_ecr_lacks_is_refused(name in "[A-Z][a-zA-Z]{3,20}") {
            prop_assume!(!policy::ECR_ACTIONS.iter().any(|a| policy::action_matches(&format!("ecr:{name}"), a)));
            let mut f = form();
            f.json = format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"ecr:{name}"}}]}}"#);
            f.json_changed();
            let p = f.check().expect_err("refused");
            prop_assert!(p.rows[0].as_deref().is_some_and(|m| m.contains("matches no ECR action")));
        }
    }
}
