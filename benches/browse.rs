//! Browse benchmarks: frame CPU time of the real views over a 100,000-image
//! repository (idle, wheel scroll, jump scroll), and search/sort times of the
//! row function at 100,000 and 1,000,000 images.
//!
//! Frames run the app's own `ui::main_ui` on an `egui::Context` with
//! tessellation (everything but the GPU upload), no network: the state is
//! filled with synthetic images. Run: `cargo bench --bench browse`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::disallowed_methods
)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use ecrscope::model::{
    Digest, Finding, FindingSeverityCounts, Image, ImageStatus, ManifestKind, RegistrySource,
    RegistrySpec, Repository, ScanReport, ScanStatus, Severity,
};
use ecrscope::settings::{ImageColumn, ImageSort};
use ecrscope::state::{AppState, ImageFilter, RepoImages, Requested, image_rows};
use ecrscope::ui::{self, ViewState};

fn image(i: usize) -> Image {
    let mut d = [0u8; 32];
    d[..8].copy_from_slice(&(i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
    d[8..16].copy_from_slice(&(i as u64).to_le_bytes());
    Image {
        digest: Digest(d),
        tags: if i.is_multiple_of(5) {
            Vec::new()
        } else {
            vec![
                format!("build-{i}"),
                format!("v{}.{}.{}", i / 1000, i / 100 % 10, i % 100),
            ]
        },
        size_bytes: 20_000_000 + (i as i64 * 7919) % 300_000_000,
        pushed_at: Some(1_700_000_000_000 + i as i64 * 60_000),
        last_pull: i.is_multiple_of(3).then_some(1_760_000_000_000 + i as i64),
        manifest: ManifestKind::OciManifest,
        artifact_media_type: None,
        status: ImageStatus::Active,
        scan_status: None,
        severity_counts: None,
        archive: None,
    }
}

fn state_with(n: usize) -> AppState {
    let spec = RegistrySpec {
        profile: None,
        region: "us-east-1".into(),
        endpoint: None,
        registry_id: None,
        source: RegistrySource::Demo,
    };
    let key = spec.key();
    let mut st = AppState::default();
    st.set_registries(vec![spec]);
    let reg = st.registry_mut(&key).unwrap();
    reg.repositories = Requested::Ready(vec![Repository {
        name: "bench/big".into(),
        arn: String::new(),
        registry_id: "123456789012".into(),
        uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/bench/big".into(),
        created_at: Some(1_700_000_000_000),
        tag_mutability: Default::default(),
        encryption: Default::default(),
        scan_on_push: false,
    }]);
    let ri = reg
        .images
        .entry("bench/big".into())
        .or_insert_with(RepoImages::default);
    ri.list = Requested::Ready(std::sync::Arc::new((0..n).map(image).collect()));
    // Scan summaries known for the first rows, so count cells draw.
    st.location.registry = Some(key);
    st.location.repository = Some("bench/big".into());
    st
}

/// A finding as the enhanced scanner reports them, varied enough that search
/// and sort do real work.
fn finding(i: usize) -> Finding {
    let sev = Severity::ALL[i % 6];
    Finding {
        id: format!("CVE-{}-{:05}", 2015 + i % 10, i),
        severity: sev,
        score: (!i.is_multiple_of(7)).then_some((i % 100) as f64 / 10.0),
        package: Some(format!("pkg-{}", i % 350)),
        installed_version: Some(format!("1.{}.{}", i % 13, i % 7)),
        fixed_in: (!i.is_multiple_of(3)).then(|| format!("1.{}.{}", i % 13 + 1, 0)),
        fix_available: Some(!i.is_multiple_of(3)),
        exploit_available: Some(i.is_multiple_of(11)),
        title: Some(format!(
            "CVE-{} in pkg-{}: buffer overflow in parser {i}",
            2015 + i % 10,
            i % 350
        )),
        description: Some("A crafted input overflows a buffer.".into()),
        ..Finding::default()
    }
}

/// The findings view of one image with 5,000 findings: idle, wheel scroll,
/// and a search keystroke (filter + sort of every finding) per frame.
fn findings_frames(st: &mut AppState, frame_count: usize) {
    let d = image(1).digest;
    let findings: Vec<Finding> = (0..5_000).map(finding).collect();
    let mut counts = FindingSeverityCounts::default();
    for f in &findings {
        counts.add(f.severity, 1);
    }
    let report = ScanReport {
        status: Some(ScanStatus::Complete),
        counts,
        findings,
        enhanced: true,
        ..ScanReport::default()
    };
    let key = st.location.registry.clone().unwrap();
    st.registry_mut(&key)
        .unwrap()
        .images
        .get_mut("bench/big")
        .unwrap()
        .findings
        .insert(d, Requested::Ready(report));
    st.location.image = Some(d);
    st.findings_open = true;
    let mut view = ViewState::default();
    let idle = stats(frames(st, &mut view, frame_count, |_, _, _| Vec::new()));
    let pos = egui::pos2(700.0, 500.0);
    let wheel = stats(frames(st, &mut view, frame_count, |_, _, _| {
        vec![
            egui::Event::PointerMoved(pos),
            egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -120.0),
                phase: egui::TouchPhase::Move,
                modifiers: egui::Modifiers::NONE,
                source: egui::MouseWheelSource::Wheel,
            },
        ]
    }));
    // Each frame a different search text, as when typing.
    let queries = [
        "p", "pk", "pkg", "pkg-", "pkg-1", "pkg-12", "CVE-2019", "overflow", "",
    ];
    let typing = stats(frames(st, &mut view, frame_count, |i, _, view| {
        view.findings.filter.text = queries[i % queries.len()].to_owned();
        Vec::new()
    }));
    for (name, s) in [
        ("findings view idle frame, 5,000 findings", idle),
        ("findings view wheel-scroll frame", wheel),
        ("findings view search keystroke frame", typing),
    ] {
        println!("| {name} | {} | {} | {} |", ms(s.p50), ms(s.p95), ms(s.max));
    }
    st.findings_open = false;
    st.location.image = None;
}

/// 1,000,000 images: a header click sorts on a thread of its own; the frames
/// drawn meanwhile, and the time until the sorted rows show.
fn huge_sort_frames() {
    let mut st = state_with(1_000_000);
    let mut view = ViewState::default();
    // Warm up: the first rows (computed off the UI thread too).
    let _ = frames(&mut st, &mut view, 60, |_, _, _| {
        std::thread::sleep(Duration::from_millis(10));
        Vec::new()
    });
    let mut frame_times = Vec::new();
    let mut until_sorted = Vec::new();
    for col in [
        ImageColumn::Size,
        ImageColumn::Tags,
        ImageColumn::Digest,
        ImageColumn::LastPull,
        ImageColumn::Pushed,
    ] {
        st.settings.image_sort = ImageSort {
            column: col,
            ascending: true,
        };
        let start = Instant::now();
        // Frames at 60 Hz until the table shows the new order.
        let mut done_after = None;
        for _ in 0..600 {
            let t = frames(&mut st, &mut view, 1, |_, _, _| Vec::new());
            frame_times.extend(t);
            if !view.images.is_sorting() && view.images.shown_sort() == Some(st.settings.image_sort)
            {
                done_after = Some(start.elapsed());
                break;
            }
            std::thread::sleep(Duration::from_millis(16));
        }
        until_sorted.push(done_after.expect("sorted within 10 s"));
    }
    let f = stats(frame_times);
    println!(
        "| frame while 1,000,000 images sort off the UI thread | {} | {} | {} |",
        ms(f.p50),
        ms(f.p95),
        ms(f.max)
    );
    let u = stats(until_sorted);
    println!(
        "| header click to sorted rows on screen, 1,000,000 images | {} | {} | {} |",
        ms(u.p50),
        ms(u.p95),
        ms(u.max)
    );
}

struct Stats {
    p50: Duration,
    p95: Duration,
    max: Duration,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        p50: at(0.5),
        p95: at(0.95),
        max: *v.last().unwrap(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// Runs `frames` frames, feeding `events(i)` each time; returns each frame's CPU time.
fn frames(
    st: &mut AppState,
    view: &mut ViewState,
    n: usize,
    mut events: impl FnMut(usize, &mut AppState, &mut ViewState) -> Vec<egui::Event>,
) -> Vec<Duration> {
    let ctx = egui::Context::default();
    ui::style::install(&ctx, ecrscope::settings::ThemePref::Dark);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
    let mut out = Vec::with_capacity(n);
    let mut t = 0.0;
    for i in 0..n + 10 {
        t += 1.0 / 60.0;
        let input = egui::RawInput {
            screen_rect: Some(screen),
            time: Some(t),
            events: events(i, st, view),
            ..Default::default()
        };
        let start = Instant::now();
        let full = ctx.run_ui(input, |ui| {
            let mut actions = Vec::new();
            ui::main_ui(ui, st, view, 0, &mut actions);
        });
        let mut full = full;
        let _prims = ctx.tessellate(std::mem::take(&mut full.shapes), full.pixels_per_point);
        // No GPU here: the texture uploads are dropped on purpose.
        full.textures_delta.clear();
        let took = start.elapsed();
        // The first frames lay out fonts and caches: warm-up, not counted.
        if i >= 10 {
            out.push(took);
        }
    }
    out
}

fn main() {
    // `cargo bench` passes --bench; `cargo test` runs this as a quick smoke
    // test of the benchmark itself (small sizes, debug build).
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { 100_000 } else { 2_000 };
    let frame_count = if full { 300 } else { 5 };
    println!(
        "ecrscope browse benchmarks ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| measure | p50 ms | p95 ms | max ms |");
    println!("|---|---|---|---|");

    let mut st = state_with(n);
    let mut view = ViewState::default();
    let idle = stats(frames(&mut st, &mut view, frame_count, |_, _, _| {
        Vec::new()
    }));
    println!(
        "| idle frame, {n} images | {} | {} | {} |",
        ms(idle.p50),
        ms(idle.p95),
        ms(idle.max)
    );

    let pos = egui::pos2(700.0, 500.0);
    let wheel = stats(frames(&mut st, &mut view, frame_count, |_, _, _| {
        vec![
            egui::Event::PointerMoved(pos),
            egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -120.0),
                phase: egui::TouchPhase::Move,
                modifiers: egui::Modifiers::NONE,
                source: egui::MouseWheelSource::Wheel,
            },
        ]
    }));
    println!(
        "| wheel-scroll frame | {} | {} | {} |",
        ms(wheel.p50),
        ms(wheel.p95),
        ms(wheel.max)
    );

    // Jump: Home / End alternately, so every row on screen is new.
    let key = |k: egui::Key| egui::Event::Key {
        key: k,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::NONE,
    };
    let jump = stats(frames(&mut st, &mut view, frame_count, |i, _, _| {
        vec![key(if i % 2 == 0 {
            egui::Key::End
        } else {
            egui::Key::Home
        })]
    }));
    println!(
        "| jump-scroll frame (Home/End) | {} | {} | {} |",
        ms(jump.p50),
        ms(jump.p95),
        ms(jump.max)
    );

    findings_frames(&mut st, frame_count);
    if full {
        huge_sort_frames();
    }

    // Search and sort over the row function (what a keystroke or a header click costs).
    let sizes: &[usize] = if full {
        &[100_000, 1_000_000]
    } else {
        &[2_000]
    };
    for &count in sizes {
        let images: Vec<Image> = (0..count).map(image).collect();
        let ri = RepoImages::default();
        let none = HashSet::new();
        let mut keystroke = Vec::new();
        let query = "build-12345";
        for len in 1..=query.len() {
            let f = ImageFilter {
                text: query[..len].to_owned(),
                ..ImageFilter::default()
            };
            let start = Instant::now();
            let rows = image_rows(&images, &ri, &f, ImageSort::default(), &none);
            keystroke.push(start.elapsed());
            std::hint::black_box(rows);
        }
        let k = stats(keystroke);
        println!(
            "| search keystroke, {count} images | {} | {} | {} |",
            ms(k.p50),
            ms(k.p95),
            ms(k.max)
        );
        let mut sorts = Vec::new();
        for col in [
            ImageColumn::Pushed,
            ImageColumn::Size,
            ImageColumn::Tags,
            ImageColumn::Digest,
            ImageColumn::LastPull,
            ImageColumn::Critical,
        ] {
            for asc in [true, false] {
                let start = Instant::now();
                let rows = image_rows(
                    &images,
                    &ri,
                    &ImageFilter::default(),
                    ImageSort {
                        column: col,
                        ascending: asc,
                    },
                    &none,
                );
                sorts.push(start.elapsed());
                std::hint::black_box(rows);
            }
        }
        let s = stats(sorts);
        println!(
            "| sort (6 columns x 2 orders), {count} images | {} | {} | {} |",
            ms(s.p50),
            ms(s.p95),
            ms(s.max)
        );
    }
    supply_chain(full);
    insight(full);
    trends_frames(full);
}

/// A repository's Trends tab over 100,000 scanned images (100,000 points
/// a line, decimated for drawing): the frame with the pointer still and
/// moving over the charts (hover labels). The series are made once per
/// image list; that first frame is reported apart.
fn trends_frames(full: bool) {
    let n = if full { 100_000 } else { 2_000 };
    let frame_count = if full { 300 } else { 5 };
    let mut st = state_with(n);
    let now = ecrscope::ui::widgets::now_ms();
    let key = st.location.registry.clone().unwrap();
    let ri = st
        .registry_mut(&key)
        .unwrap()
        .images
        .get_mut("bench/big")
        .unwrap();
    let list: Vec<Image> = (0..n)
        .map(|i| {
            let mut img = image(i);
            // Ten minutes apart, up to now: 100,000 pushes over 99 weeks.
            img.pushed_at = Some(now - (n - i) as i64 * 600_000);
            let mut c = FindingSeverityCounts::default();
            c.add(Severity::Critical, (i % 7) as u32);
            c.add(Severity::High, (i % 23) as u32);
            img.severity_counts = Some(c);
            img
        })
        .collect();
    ri.list = Requested::Ready(std::sync::Arc::new(list));
    ri.generation += 1;
    st.repo_tab = ecrscope::state::RepoTab::Trends;
    let mut view = ViewState::default();
    let first = frames(&mut st, &mut view, 1, |_, _, _| Vec::new());
    let idle = stats(frames(&mut st, &mut view, frame_count, |_, _, _| {
        Vec::new()
    }));
    let hover = stats(frames(&mut st, &mut view, frame_count, |i, _, _| {
        vec![egui::Event::PointerMoved(egui::pos2(
            400.0 + (i % 600) as f32,
            380.0,
        ))]
    }));
    println!(
        "| trends tab, first frame (series made), {n} images | {} | | |",
        ms(first[0])
    );
    for (name, s) in [
        (format!("trends tab frame, {n} points a line"), idle),
        (
            "trends tab frame, pointer over the charts".to_owned(),
            hover,
        ),
    ] {
        println!("| {name} | {} | {} | {} |", ms(s.p50), ms(s.p95), ms(s.max));
    }
}

/// Insight: the Storage tab's report and its clean-up groups over 1,000
/// repositories x 2,000 images (2,000,000 images; 50 x 200 under `cargo
/// test`), made from scratch (what a changed list costs; otherwise the
/// view reuses the cached report).
fn insight(full: bool) {
    use ecrscope::insight::cleanup::{Group, candidates};
    use ecrscope::insight::storage::report;
    let (repos, per) = if full { (1_000, 2_000) } else { (50, 200) };
    let spec = RegistrySpec {
        profile: None,
        region: "us-east-1".into(),
        endpoint: None,
        registry_id: None,
        source: RegistrySource::Demo,
    };
    let mut reg = ecrscope::state::RegistryState::new(spec);
    reg.repositories = Requested::Ready(
        (0..repos)
            .map(|r| Repository {
                name: format!("team-{}/service-{r}", r % 40),
                arn: String::new(),
                registry_id: "123456789012".into(),
                uri: String::new(),
                created_at: None,
                tag_mutability: Default::default(),
                encryption: Default::default(),
                scan_on_push: false,
            })
            .collect(),
    );
    for r in 0..repos {
        let list: Vec<Image> = (0..per).map(|i| image(r * per + i)).collect();
        reg.images.insert(
            format!("team-{}/service-{r}", r % 40),
            RepoImages {
                list: Requested::Ready(std::sync::Arc::new(list)),
                ..Default::default()
            },
        );
    }
    let prices = ecr_core::cost::prices_for("us-east-1");
    let runs = if full { 10 } else { 2 };
    let mut t_report = Vec::new();
    let mut t_groups = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(report(&reg, prices));
        t_report.push(start.elapsed());
        let start = Instant::now();
        std::hint::black_box(candidates(
            &reg,
            &[
                Group::Untagged,
                Group::NotPulled(90),
                Group::ArchivedPastMinimum,
            ],
            1_800_000_000_000,
            prices,
        ));
        t_groups.push(start.elapsed());
    }
    let images = repos * per;
    for (what, t) in [("storage report", t_report), ("clean-up groups", t_groups)] {
        let s = stats(t);
        println!(
            "| {what}, {repos} repositories x {per} images ({images}) | {} | {} | {} |",
            ms(s.p50),
            ms(s.p95),
            ms(s.max)
        );
    }
}

/// Supply chain: an SBOM of 10,000 packages opened (parsed from SPDX JSON)
/// and searched keystroke by keystroke; the rows of a 2,000-image list of
/// which 1,000 images carry 3 referrers each (signature, SBOM, provenance),
/// with every referrer listed (the worst case: all asked for).
fn supply_chain(full: bool) {
    use ecrscope::model::{Referrer, Sbom};
    use ecrscope::supply_chain::documents::{filter_packages, parse_sbom};
    let packages = if full { 10_000 } else { 500 };
    let doc = serde_json::json!({
        "spdxVersion": "SPDX-2.3",
        "creationInfo": {"creators": ["Tool: syft-1.4.1"]},
        "packages": (0..packages).map(|i| serde_json::json!({
            "name": format!("package-{i}"),
            "versionInfo": format!("{}.{}.{}", i % 7, i % 13, i % 100),
            "licenseConcluded": if i % 3 == 0 { "MIT" } else { "Apache-2.0" },
            "externalRefs": [{"referenceType": "purl", "referenceLocator": format!("pkg:npm/package-{i}@1.0.{i}")}],
        })).collect::<Vec<_>>(),
    });
    let bytes = serde_json::to_vec(&doc).unwrap();
    let mut opens = Vec::new();
    let mut sbom: Option<Sbom> = None;
    for _ in 0..5 {
        let start = Instant::now();
        sbom = Some(parse_sbom(&bytes).unwrap());
        opens.push(start.elapsed());
    }
    let o = stats(opens);
    println!(
        "| SBOM of {packages} packages opened ({} KB of SPDX JSON parsed) | {} | {} | {} |",
        bytes.len() / 1000,
        ms(o.p50),
        ms(o.p95),
        ms(o.max)
    );
    let sbom = sbom.unwrap();
    let mut keys = Vec::new();
    for query in ["package-9", "apache", "pkg:npm/package-12"] {
        for len in 1..=query.len() {
            let start = Instant::now();
            std::hint::black_box(filter_packages(&sbom.packages, &query[..len]));
            keys.push(start.elapsed());
        }
    }
    let k = stats(keys);
    println!(
        "| SBOM search keystroke, {packages} packages | {} | {} | {} |",
        ms(k.p50),
        ms(k.p95),
        ms(k.max)
    );

    // 2,000 images, the first 1,000 signed: 3 referrers each in the list.
    let plain = 2_000;
    let signed = 1_000;
    let mut images: Vec<Image> = (0..plain).map(image).collect();
    let mut ri = RepoImages::default();
    for s in 0..signed {
        let subject = images[s].digest;
        let listed: Vec<Referrer> = (0..3)
            .map(|k| {
                let mut art = image(plain + s * 3 + k);
                art.tags.clear();
                art.artifact_media_type = Some("application/vnd.oci.empty.v1+json".into());
                let r = Referrer {
                    digest: art.digest,
                    media_type: "application/vnd.oci.image.manifest.v1+json".into(),
                    artifact_type: Some(
                        [
                            "application/vnd.dev.cosign.artifact.sig.v1+json",
                            "application/spdx+json",
                            "application/vnd.in-toto+json",
                        ][k]
                            .into(),
                    ),
                    size_bytes: 800,
                    status: ImageStatus::Active,
                    annotations: Vec::new(),
                };
                images.push(art);
                r
            })
            .collect();
        ri.referrers.insert(subject, Requested::Ready(listed));
    }
    let none = HashSet::new();
    let mut rows_t = Vec::new();
    let mut rows = Vec::new();
    for unsigned_only in [false, true, false, true, false] {
        let f = ImageFilter {
            unsigned_only,
            ..ImageFilter::default()
        };
        let start = Instant::now();
        rows = image_rows(&images, &ri, &f, ImageSort::default(), &none);
        rows_t.push(start.elapsed());
    }
    assert_eq!(rows.len(), plain, "artifacts nest; 2,000 top-level rows");
    let r = stats(rows_t);
    println!(
        "| rows of {plain} images, {signed} with 3 referrers each (all listed) | {} | {} | {} |",
        ms(r.p50),
        ms(r.p95),
        ms(r.max)
    );
}
