//! Under a lifecycle preview: what each rule expires or archives, in
//! bytes, and the monthly cost that goes away.

use egui::{RichText, Ui};

use crate::model::{Image, LifecyclePreview};
use crate::ui::style;
use crate::ui::widgets::human_size;
use ecr_core::cost::{Prices, dollars};

pub fn savings_ui(ui: &mut Ui, p: &LifecyclePreview, images: Option<&[Image]>, prices: Prices) {
    if p.results.is_empty() {
        return;
    }
    let palette = style::palette(ui.visuals());
    let Some(images) = images else {
        ui.label(
            RichText::new(
                "Sizes unknown until the repository's images are listed (the Images tab).",
            )
            .color(palette.muted),
        );
        return;
    };
    let (rules, total) = super::savings::preview_savings(&p.results, images, prices);
    ui.label(
        RichText::new(format!(
            "Saves about {} a month: frees {} (expired){}.",
            dollars(total.monthly),
            human_size(total.expire_bytes as i64),
            if total.archive_bytes > 0 {
                format!(
                    ", archives {} (the same price below 150 TB archived; a restore costs per GB)",
                    human_size(total.archive_bytes as i64)
                )
            } else {
                String::new()
            }
        ))
        .strong(),
    );
    for (rule, s) in &rules {
        let name = rule.map_or_else(|| "no rule named".to_owned(), |r| format!("Rule {r}"));
        let mut line = format!(
            "{name}: expires {}, archives {}, {} a month",
            human_size(s.expire_bytes as i64),
            human_size(s.archive_bytes as i64),
            dollars(s.monthly)
        );
        if s.unknown > 0 {
            line.push_str(&format!(
                " ({} images not in the list: not counted)",
                s.unknown
            ));
        }
        ui.label(RichText::new(line).color(palette.muted));
    }
}
