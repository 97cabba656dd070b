//! A very large repository: filtering and sorting run on a thread of their
//! own and the table keeps drawing meanwhile; the sorted rows then land.

use std::time::{Duration, Instant};

use ecrscope::browse::images::OFFLOAD_ROWS;
use ecrscope::model::{
    Digest, Image, ImageStatus, ManifestKind, RegistrySource, RegistrySpec, Repository,
};
use ecrscope::settings::{ImageColumn, ImageSort};
use ecrscope::state::{AppState, Requested};
use ecrscope::ui::{self, ViewState};

fn image(i: usize) -> Image {
    let mut d = [0u8; 32];
    d[..8].copy_from_slice(&(i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
    Image {
        digest: Digest(d),
        tags: vec![format!("build-{i}")],
        size_bytes: ((i as i64).wrapping_mul(7919)) % 1_000_003,
        pushed_at: Some(1_700_000_000_000 + i as i64),
        last_pull: None,
        manifest: ManifestKind::OciManifest,
        artifact_media_type: None,
        status: ImageStatus::Active,
        scan_status: None,
        severity_counts: None,
        archive: None,
    }
}

fn frame(ctx: &egui::Context, st: &mut AppState, view: &mut ViewState) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let mut out = ctx.run_ui(input, |ui| {
        let mut actions = Vec::new();
        ui::main_ui(ui, st, view, 0, &mut actions);
    });
    // No GPU here: font texture uploads are dropped on purpose.
    out.textures_delta.clear();
}

#[test]
fn sorting_a_huge_list_happens_off_the_ui_thread() {
    let n = OFFLOAD_ROWS + 50_000;
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
        name: "big".into(),
        arn: String::new(),
        registry_id: "123456789012".into(),
        uri: "u".into(),
        created_at: None,
        tag_mutability: Default::default(),
        encryption: Default::default(),
        scan_on_push: false,
    }]);
    reg.images.entry("big".into()).or_default().list =
        Requested::Ready(std::sync::Arc::new((0..n).map(image).collect()));
    st.location.registry = Some(key);
    st.location.repository = Some("big".into());
    let ctx = egui::Context::default();
    let mut view = ViewState::default();
    let wait_sorted = |st: &mut AppState, view: &mut ViewState| {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut frames_while_sorting = 0;
        loop {
            frame(&ctx, st, view);
            if view.images.is_sorting() {
                frames_while_sorting += 1;
            } else if view.images.shown_sort() == Some(st.settings.image_sort) {
                return frames_while_sorting;
            }
            assert!(Instant::now() < deadline, "rows never landed");
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    wait_sorted(&mut st, &mut view);
    st.settings.image_sort = ImageSort {
        column: ImageColumn::Size,
        ascending: true,
    };
    let during = wait_sorted(&mut st, &mut view);
    assert!(during > 0, "frames were drawn while the sort ran elsewhere");
    // The rows that landed are in size order.
    let images = st
        .registry(st.location.registry.as_ref().unwrap())
        .unwrap()
        .images["big"]
        .list
        .shown()
        .unwrap()
        .clone();
    let shown = view.images.shown_sort();
    assert_eq!(shown, Some(st.settings.image_sort));
    let sizes: Vec<i64> = view
        .images
        .rows_shown()
        .iter()
        .map(|r| images[r.index].size_bytes)
        .collect();
    assert_eq!(sizes.len(), n);
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "sorted by size");
}
