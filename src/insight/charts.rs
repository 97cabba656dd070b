//! The trend charts (egui_plot): pushes per week, critical and high
//! findings across versions, stored bytes over time. Each takes its data
//! ready-made (`trends.rs`) and draws at most a few points per pixel
//! column ([`super::trends::decimate`]); hovering says what a point is
//! (the week, the version's tags, the snapshot's date) in words.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Corner, Legend, Line, Plot, PlotPoints, Points};

use super::trends::{VersionPoint, decimate};
use crate::model::transfer::human_size_u64;
use crate::ui::style;

pub const DAY_MS: f64 = 86_400_000.0;
/// A chart's height.
pub const HEIGHT: f32 = 200.0;

fn day(ms: i64) -> f64 {
    ms as f64 / DAY_MS
}

fn date(x_days: f64) -> String {
    let ms = (x_days * DAY_MS).clamp(0.0, 253_402_300_799_000.0) as i64;
    ecr_core::time::rfc3339_ms(ms)[..10].to_owned()
}

fn base(id: &str) -> Plot<'static> {
    Plot::new(id.to_owned())
        .height(HEIGHT)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .show_x(false)
        .x_axis_formatter(|m, _| date(m.value))
        .legend(Legend::default().position(Corner::LeftTop))
}

/// A chart's title and, when it has nothing to draw, why.
fn title_ui(ui: &mut Ui, title: &str, empty: Option<&str>) -> bool {
    ui.strong(title);
    if let Some(why) = empty {
        ui.label(RichText::new(why).color(style::palette(ui.visuals()).muted));
        return false;
    }
    true
}

/// Pushes per week: bars for `total`, a line for each of `lines` (a
/// registry's busiest repositories).
pub fn pushes_ui(
    ui: &mut Ui,
    id: &str,
    name: &str,
    total: &[(i64, u32)],
    lines: &[(String, Vec<(i64, u32)>)],
) {
    if !title_ui(
        ui,
        "Pushes per week",
        total
            .is_empty()
            .then_some("No push in the last two years among the images read."),
    ) {
        return;
    }
    let p = style::palette(ui.visuals());
    let bars: Vec<Bar> = total
        .iter()
        .map(|(w, n)| {
            Bar::new(day(*w) + 3.5, f64::from(*n))
                .width(6.0)
                .name(format!("week of {}", date(day(*w))))
        })
        .collect();
    base(id)
        .include_y(0.0)
        .label_formatter(|pos| {
            let (name, at) = match pos {
                egui_plot::HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => (*plot_name, *position),
                egui_plot::HoverPosition::Elsewhere { position } => ("", *position),
            };
            Some(format!(
                "{}{}: week of {}, {:.0} pushes",
                name,
                if name.is_empty() { "" } else { " " },
                date((at.x / 7.0).floor() * 7.0),
                at.y
            ))
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(name.to_owned(), bars).color(p.accent));
            for (name, series) in lines {
                let pts: Vec<[f64; 2]> = series
                    .iter()
                    .map(|(w, n)| [day(*w) + 3.5, f64::from(*n)])
                    .collect();
                plot.line(Line::new(name.clone(), PlotPoints::from(pts)).width(1.5));
            }
        });
}

/// Critical and high findings of each version, by push time; hovering
/// names the version. `columns`: the drawing's width in points, for
/// decimation.
pub fn findings_ui(ui: &mut Ui, id: &str, versions: &[VersionPoint]) {
    if !title_ui(
        ui,
        "Critical and high findings across versions",
        versions
            .is_empty()
            .then_some("No scanned image with a push time among the images read."),
    ) {
        return;
    }
    let p = style::palette(ui.visuals());
    let columns = ui.available_width().max(100.0) as usize;
    let series = |f: fn(&VersionPoint) -> u32| -> Vec<[f64; 2]> {
        let pts: Vec<[f64; 2]> = versions
            .iter()
            .map(|v| [day(v.pushed_at), f64::from(f(v))])
            .collect();
        decimate(&pts, columns)
    };
    let critical = series(|v| v.critical);
    let high = series(|v| v.high);
    let few = versions.len() <= 200;
    base(id)
        .include_y(0.0)
        .label_formatter(move |pos| {
            let at = match pos {
                egui_plot::HoverPosition::NearDataPoint { position, .. }
                | egui_plot::HoverPosition::Elsewhere { position } => *position,
            };
            let ms = (at.x * DAY_MS) as i64;
            let k = versions.partition_point(|v| v.pushed_at < ms);
            let near = [k.checked_sub(1), Some(k)]
                .into_iter()
                .flatten()
                .filter_map(|k| versions.get(k))
                .min_by_key(|v| (v.pushed_at - ms).unsigned_abs())?;
            Some(format!(
                "{}\npushed {}\n{} critical, {} high",
                near.label,
                date(day(near.pushed_at)),
                near.critical,
                near.high
            ))
        })
        .show(ui, |plot| {
            plot.line(Line::new("critical", PlotPoints::from(critical.clone())).color(p.error));
            plot.line(Line::new("high", PlotPoints::from(high.clone())).color(p.warning));
            if few {
                plot.points(Points::new("critical", critical).color(p.error).radius(2.5));
                plot.points(Points::new("high", high).color(p.warning).radius(2.5));
            }
        });
}

/// Stored bytes at each snapshot (active and archived).
pub fn storage_ui(ui: &mut Ui, id: &str, points: &[(i64, u64, u64)]) {
    if !title_ui(
        ui,
        "Storage over time (from snapshots)",
        points.is_empty().then_some(
            "No snapshot holds it yet: save one in the registry's History tab, then again later.",
        ),
    ) {
        return;
    }
    let p = style::palette(ui.visuals());
    // GiB for a registry, MiB for a small repository: labels that read.
    let most = points.iter().map(|(_, a, b)| *a.max(b)).max().unwrap_or(0);
    let (unit, unit_name) = if most >= 1 << 30 {
        (1_073_741_824.0, "GiB")
    } else {
        (1_048_576.0, "MiB")
    };
    let active: Vec<[f64; 2]> = points
        .iter()
        .map(|(t, a, _)| [day(*t), *a as f64 / unit])
        .collect();
    let archived: Vec<[f64; 2]> = points
        .iter()
        .map(|(t, _, b)| [day(*t), *b as f64 / unit])
        .collect();
    let pts = points.to_vec();
    base(id)
        .include_y(0.0)
        .y_axis_formatter(move |m, _| {
            if m.value < 0.0 {
                String::new()
            } else {
                format!("{:.1} {unit_name}", m.value)
            }
        })
        .label_formatter(move |pos| {
            let at = match pos {
                egui_plot::HoverPosition::NearDataPoint { position, .. }
                | egui_plot::HoverPosition::Elsewhere { position } => *position,
            };
            let ms = (at.x * DAY_MS) as i64;
            let near = pts.iter().min_by_key(|(t, _, _)| (t - ms).unsigned_abs())?;
            Some(format!(
                "snapshot of {}\n{} active, {} archived",
                date(day(near.0)),
                human_size_u64(near.1),
                human_size_u64(near.2)
            ))
        })
        .show(ui, |plot| {
            plot.line(Line::new("active", PlotPoints::from(active.clone())).color(p.accent));
            plot.points(Points::new("active", active).color(p.accent).radius(3.0));
            plot.line(Line::new("archived", PlotPoints::from(archived)).color(p.loading));
        });
}
