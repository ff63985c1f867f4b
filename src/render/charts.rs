//! Small, dependency-free SVG charts for the HTML report: labelled axes, ticks, legends,
//! readable in print. Every text that comes from data is HTML-escaped here.

use std::fmt::Write;

use super::escape::html;
use crate::results::Status;
use crate::text;

const W: f64 = 720.0;
const FONT: &str = "font-family=\"system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif\"";

/// One row of an interval chart: label, value, optional (low, high), status.
pub type IntervalRow = (String, f64, Option<(f64, f64)>, Status);

pub fn status_color(status: Status) -> &'static str {
    match status {
        Status::Fail | Status::Error => "#c62828",
        Status::Warn => "#b26a00",
        Status::Pass => "#2e7d32",
        Status::Skipped => "#757575",
    }
}

/// "Nice" tick values covering [lo, hi].
pub fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if hi <= lo || !lo.is_finite() || !hi.is_finite() {
        return vec![lo];
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw * 0.75).unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    // k·step rounded to 12 significant digits, so 3 × 0.2 reads 0.6.
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            if v == 0.0 {
                0.0
            } else {
                let scale = 10f64.powi(11 - v.abs().log10().floor() as i32);
                (v * scale).round() / scale
            }
        })
        .collect()
}

fn svg_open(h: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" style=\"max-width:100%;height:auto\" role=\"img\" aria-label=\"{t}\" {FONT} font-size=\"12\"><title>{t}</title>",
        t = html(title)
    )
}

/// [`svg_open`] followed by the chart's visible title.
fn svg_titled(h: f64, title: &str) -> String {
    let mut s = svg_open(h, title);
    let _ = write!(s, "<text x=\"0\" y=\"16\" font-weight=\"600\" font-size=\"14\">{}</text>", html(title));
    s
}

/// Horizontal bars, one per row, with vertical reference lines (e.g. warn/fail levels).
pub fn hbars(title: &str, x_label: &str, rows: &[(String, f64, Status)], lines: &[(f64, &str, &str)]) -> String {
    let label_w = 190.0;
    let (left, right, top) = (label_w + 10.0, W - 20.0, 36.0);
    let row_h = 20.0;
    let h = top + rows.len() as f64 * row_h + 50.0;
    let max = rows.iter().map(|r| r.1).chain(lines.iter().map(|l| l.0)).fold(0.0f64, f64::max).max(1e-9) * 1.05;
    let x = |v: f64| left + (v.max(0.0) / max) * (right - left);
    let mut s = svg_titled(h, title);
    for t in ticks(0.0, max, 6) {
        let _ = write!(
            s,
            "<line x1=\"{0:.1}\" y1=\"{top}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"#e0e0e0\"/><text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\" fill=\"#555\">{3}</text>",
            x(t),
            h - 40.0,
            h - 26.0,
            text::num(t)
        );
    }
    for (i, (label, v, status)) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let _ = write!(
            s,
            "<text x=\"{lw:.1}\" y=\"{ty:.1}\" text-anchor=\"end\">{l}</text><rect x=\"{left:.1}\" y=\"{ry:.1}\" width=\"{w:.1}\" height=\"{bh:.1}\" fill=\"{c}\"><title>{l}: {val}</title></rect><text x=\"{tx:.1}\" y=\"{ty:.1}\" fill=\"#333\">{val}</text>",
            lw = label_w,
            ty = y + 14.0,
            l = html(&text::clip(label, 30)),
            ry = y + 3.0,
            w = (x(*v) - left).max(1.0),
            bh = row_h - 6.0,
            c = status_color(*status),
            val = text::num(*v),
            tx = x(*v) + 4.0,
        );
    }
    for (k, (v, label, color)) in lines.iter().enumerate() {
        let _ = write!(
            s,
            "<line x1=\"{0:.1}\" y1=\"{top}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"{2}\" stroke-dasharray=\"4 3\" stroke-width=\"1.5\"/><text x=\"{0:.1}\" y=\"{3:.1}\" text-anchor=\"middle\" fill=\"{2}\">{4}</text>",
            x(*v),
            h - 40.0,
            color,
            top - 6.0 - 11.0 * (k % 2) as f64,
            html(label)
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333\">{}</text></svg>",
        (left + right) / 2.0,
        h - 8.0,
        html(x_label)
    );
    s
}

/// Reference vs current shares over the same bins, side by side.
pub fn histogram_pair(title: &str, edges: &[f64], reference: &[f64], current: &[f64]) -> String {
    let (left, right, top, h) = (50.0, W - 20.0, 40.0, 230.0);
    let bottom = h - 45.0;
    let n = reference.len().max(1);
    let max = reference.iter().chain(current).fold(0.0f64, |a, &b| a.max(b)).max(1e-9) * 1.1;
    let bw = (right - left) / n as f64;
    let y = |v: f64| bottom - v / max * (bottom - top);
    let mut s = svg_open(h, title);
    let _ = write!(s, "<text x=\"0\" y=\"16\" font-weight=\"600\" font-size=\"13\">{}</text>", html(title));
    let _ = write!(
        s,
        "<rect x=\"{:.1}\" y=\"6\" width=\"10\" height=\"10\" fill=\"#9e9e9e\"/><text x=\"{:.1}\" y=\"15\">reference</text><rect x=\"{:.1}\" y=\"6\" width=\"10\" height=\"10\" fill=\"#1565c0\"/><text x=\"{:.1}\" y=\"15\">current</text>",
        W - 190.0,
        W - 176.0,
        W - 100.0,
        W - 86.0
    );
    for t in ticks(0.0, max, 4) {
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{0:.1}\" x2=\"{right}\" y2=\"{0:.1}\" stroke=\"#eee\"/><text x=\"{1:.1}\" y=\"{2:.1}\" text-anchor=\"end\" fill=\"#555\">{3}</text>",
            y(t),
            left - 4.0,
            y(t) + 4.0,
            text::pct(t)
        );
    }
    for i in 0..n {
        let x0 = left + i as f64 * bw;
        let r = reference.get(i).copied().unwrap_or(0.0);
        let c = current.get(i).copied().unwrap_or(0.0);
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#9e9e9e\"><title>reference {}</title></rect><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#1565c0\" fill-opacity=\"0.85\"><title>current {}</title></rect>",
            x0 + 1.0,
            y(r),
            (bw / 2.0 - 1.0).max(0.5),
            bottom - y(r),
            text::pct(r),
            x0 + bw / 2.0,
            y(c),
            (bw / 2.0 - 1.0).max(0.5),
            bottom - y(c),
            text::pct(c)
        );
    }
    let _ = write!(s, "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#333\"/>");
    if edges.len() >= 2 {
        let step = (edges.len() / 6).max(1);
        for (i, e) in edges.iter().enumerate().step_by(step) {
            let x = left + i as f64 * (right - left) / (edges.len() - 1) as f64;
            let _ = write!(
                s,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                bottom + 15.0,
                text::num(*e)
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333\">value (outer bins include everything beyond)</text>",
        (left + right) / 2.0,
        h - 8.0
    );
    let _ = write!(
        s,
        "<text x=\"12\" y=\"{:.1}\" fill=\"#333\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">share of rows</text></svg>",
        (top + bottom) / 2.0,
        (top + bottom) / 2.0
    );
    s
}

/// One row per item: a dot for the value and a whisker for its interval, with vertical
/// reference lines (bound, overall, requirement).
pub fn intervals(title: &str, x_label: &str, rows: &[IntervalRow], lines: &[(f64, &str, &str)]) -> String {
    let label_w = 200.0;
    let (left, right, top) = (label_w + 10.0, W - 30.0, 40.0);
    let row_h = 22.0;
    let h = top + rows.len() as f64 * row_h + 50.0;
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for (_, v, iv, _) in rows {
        lo = lo.min(*v);
        hi = hi.max(*v);
        if let Some((a, b)) = iv {
            lo = lo.min(*a);
            hi = hi.max(*b);
        }
    }
    for (v, _, _) in lines {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return String::new();
    }
    let pad = ((hi - lo) * 0.08).max(1e-6);
    let (lo, hi) = (lo - pad, hi + pad);
    let x = |v: f64| left + (v - lo) / (hi - lo) * (right - left);
    let mut s = svg_titled(h, title);
    for t in ticks(lo, hi, 6) {
        let _ = write!(
            s,
            "<line x1=\"{0:.1}\" y1=\"{top}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"#e0e0e0\"/><text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\" fill=\"#555\">{3}</text>",
            x(t),
            h - 40.0,
            h - 26.0,
            text::num(t)
        );
    }
    for (k, (v, label, color)) in lines.iter().enumerate() {
        let _ = write!(
            s,
            "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" stroke=\"{3}\" stroke-dasharray=\"5 3\" stroke-width=\"1.5\"/><text x=\"{0:.1}\" y=\"{4:.1}\" text-anchor=\"middle\" fill=\"{3}\">{5}</text>",
            x(*v),
            top - 2.0,
            h - 40.0,
            color,
            top - 6.0 - 11.0 * (k % 2) as f64,
            html(label)
        );
    }
    for (i, (label, v, iv, status)) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h + row_h / 2.0;
        let c = status_color(*status);
        let _ = write!(
            s,
            "<text x=\"{label_w}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            y + 4.0,
            html(&text::clip(label, 32))
        );
        if let Some((a, b)) = iv {
            let _ = write!(
                s,
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{c}\" stroke-width=\"2\"/><line x1=\"{0:.1}\" y1=\"{2:.1}\" x2=\"{0:.1}\" y2=\"{3:.1}\" stroke=\"{c}\"/><line x1=\"{1:.1}\" y1=\"{2:.1}\" x2=\"{1:.1}\" y2=\"{3:.1}\" stroke=\"{c}\"/>",
                x(*a),
                x(*b),
                y - 4.0,
                y + 4.0
            );
        }
        let iv_text = iv.map(|(a, b)| format!(" [{} – {}]", text::num(a), text::num(b))).unwrap_or_default();
        let _ = write!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"4.5\" fill=\"{c}\"><title>{}: {}{}</title></circle>",
            x(*v),
            html(label),
            text::num(*v),
            iv_text
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333\">{}</text></svg>",
        (left + right) / 2.0,
        h - 8.0,
        html(x_label)
    );
    s
}

/// Lines over time (audit trend): one series per name, x = snapshot index with date labels.
pub fn trend(title: &str, dates: &[String], series: &[(String, Vec<f64>)], y_max: f64) -> String {
    let (left, right, top, h) = (50.0, W - 130.0, 30.0, 260.0);
    let bottom = h - 45.0;
    let n = dates.len().max(1);
    let x = |i: usize| if n == 1 { (left + right) / 2.0 } else { left + i as f64 * (right - left) / (n - 1) as f64 };
    let y = |v: f64| bottom - v / y_max.max(1e-9) * (bottom - top);
    let colors = ["#1565c0", "#2e7d32", "#b26a00", "#6a1b9a", "#c62828"];
    let mut s = svg_titled(h, title);
    for t in ticks(0.0, y_max, 7) {
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{0:.1}\" x2=\"{right}\" y2=\"{0:.1}\" stroke=\"#eee\"/><text x=\"{1:.1}\" y=\"{2:.1}\" text-anchor=\"end\" fill=\"#555\">{3}</text>",
            y(t),
            left - 4.0,
            y(t) + 4.0,
            text::num(t)
        );
    }
    for (i, d) in dates.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            x(i),
            bottom + 15.0,
            html(d)
        );
    }
    for (k, (name, vals)) in series.iter().enumerate() {
        let c = colors[k % colors.len()];
        let pts: Vec<String> = vals.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
        let _ = write!(s, "<polyline points=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"/>", pts.join(" "));
        for (i, v) in vals.iter().enumerate() {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{c}\"><title>{}: {}</title></circle>",
                x(i),
                y(*v),
                html(name),
                text::num(*v)
            );
        }
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{c}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            right + 15.0,
            top + k as f64 * 18.0,
            right + 30.0,
            top + 9.0 + k as f64 * 18.0,
            html(name)
        );
    }
    let _ = write!(s, "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#333\"/>");
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333\">audit date</text></svg>",
        (left + right) / 2.0,
        h - 8.0
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice() {
        assert_eq!(ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(ticks(0.0, 0.5, 5), vec![0.0, 0.1, 0.2, 0.3, 0.4, 0.5]);
        assert_eq!(ticks(0.62, 0.88, 5), vec![0.65, 0.7, 0.75, 0.8, 0.85]);
    }

    #[test]
    fn chart_text_is_escaped() {
        let s = hbars("<t>", "x", &[("<script>".into(), 0.3, Status::Fail)], &[(0.2, "fail", "#c00")]);
        assert!(!s.contains("<script>") && s.contains("&lt;script&gt;"));
        let s = intervals("t", "x", &[("a&b".into(), 0.5, Some((0.4, 0.6)), Status::Pass)], &[]);
        assert!(s.contains("a&amp;b"));
    }
}
