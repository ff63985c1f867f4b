//! Deterministic generator for `examples/churn/`: a small customer-churn project with
//! planted problems that mlgate's gates must catch.
//!
//! Run `cargo run --example gen_churn` to regenerate every file (byte-identical output for
//! the same mlgate version). What is planted, and which gate must catch it:
//!
//! - drift: `monthly_charges` in the serving sample is shifted up by 10, which also moves the
//!   model's `score` (drift gate);
//! - an underperforming slice: the candidate model is much noisier for `region = "south"`
//!   (slices gate), while `region = "islands"` is a tiny (12-row) noisy slice that must be
//!   reported as too small to judge, not failed;
//! - a leaky feature: `refund_issued` is set after a customer churns (leakage gate,
//!   target leakage); `last_ticket_at` is later than `snapshot_date` for 40 training rows
//!   (point-in-time); 25 customers appear in both train and test (entity overlap);
//! - delayed outcomes: `data/outcomes.csv` holds the churn outcome of 70% of the serving
//!   customers (chosen at random), from the same process, so the drift gate can tell the
//!   kinds of drift apart: the inputs moved, the model still ranks as well;
//! - schema violations in the serving sample: negative ages, an unseen plan
//!   (`enterprise`), nulls in `tenure_months`, and a repeated customer id (schema gate).

#![allow(clippy::print_stdout)]

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

/// xoshiro256** seeded by SplitMix64: small, fast and identical on every platform.
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed;
        let mut next = || {
            z = z.wrapping_add(0x9E3779B97F4A7C15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D049BB133111EB);
            x ^ (x >> 31)
        };
        Rng { s: [next(), next(), next(), next()] }
    }
    fn u64(&mut self) -> u64 {
        let r = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        r
    }
    /// Uniform in [0, 1).
    fn f(&mut self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let u1 = self.f().max(1e-12);
        let u2 = self.f();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
    fn pick<'a>(&mut self, items: &[(&'a str, f64)]) -> &'a str {
        let total: f64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.f() * total;
        for (v, w) in items {
            if x < *w {
                return v;
            }
            x -= w;
        }
        items[items.len() - 1].0
    }
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.f() * (hi - lo + 1) as f64) as i64
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[derive(Clone)]
struct Customer {
    id: String,
    snapshot: String,
    /// Day index of the snapshot (days since 2024-01-01).
    day: i64,
    age: Option<i64>,
    tenure: Option<i64>,
    charges: f64,
    plan: String,
    region: String,
    calls: i64,
    login_days: i64,
    payment: String,
    contract: String,
    ticket_at: String,
    refund: i64,
    logit: f64,
    churned: i64,
}

fn date(day: i64) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(day)
}

const REGIONS: &[(&str, f64)] = &[("north", 0.3), ("south", 0.25), ("east", 0.22), ("west", 0.223), ("islands", 0.007)];

fn customer(rng: &mut Rng, id: u64, day_lo: i64, day_hi: i64, charge_shift: f64) -> Customer {
    let day = rng.int(day_lo, day_hi);
    let age = (38.0 + 12.0 * rng.normal()).round().clamp(18.0, 85.0) as i64;
    let tenure = (rng.f().powf(1.4) * 72.0).round() as i64;
    let plan = rng.pick(&[("basic", 0.45), ("standard", 0.35), ("premium", 0.2)]).to_string();
    let base = match plan.as_str() {
        "basic" => 35.0,
        "standard" => 65.0,
        _ => 95.0,
    };
    let charges = ((base + 8.0 * rng.normal()).clamp(18.0, 125.0) + charge_shift).clamp(18.0, 150.0);
    let charges = (charges * 100.0).round() / 100.0;
    let region = rng.pick(REGIONS).to_string();
    let calls = ((rng.f() * 3.0 + rng.f() * 3.0).floor() as i64 + if rng.f() < 0.15 { 3 } else { 0 }).min(12);
    let login_days = (rng.f().powf(2.0) * 90.0).round() as i64;
    let payment = rng.pick(&[("card", 0.5), ("bank", 0.3), ("paypal", 0.2)]).to_string();
    let contract = rng.pick(&[("monthly", 0.6), ("annual", 0.4)]).to_string();
    let logit = -1.1 + 0.55 * (calls as f64 - 2.5) - 0.045 * (tenure as f64 - 24.0)
        + 0.02 * (charges - 60.0)
        + 0.025 * (login_days as f64 - 25.0)
        + if contract == "monthly" { 0.7 } else { -0.7 };
    let churned = i64::from(rng.f() < sigmoid(logit));
    // Set after the outcome is known: the label in disguise.
    let refund = if churned == 1 { i64::from(rng.f() < 0.995) } else { i64::from(rng.f() < 0.001) };
    let ticket_day = day - rng.int(1, 60);
    let ticket = date(ticket_day).and_hms_opt(rng.int(8, 18) as u32, rng.int(0, 59) as u32, 0).unwrap();
    Customer {
        id: format!("C{id:06}"),
        snapshot: date(day).format("%Y-%m-%d").to_string(),
        day,
        age: Some(age),
        tenure: Some(tenure),
        charges,
        plan,
        region,
        calls,
        login_days,
        payment,
        contract,
        ticket_at: ticket.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        refund,
        logit,
        churned,
    }
}

fn frame(rows: &[Customer], with_label: bool) -> DataFrame {
    let mut df = df!(
        "customer_id" => rows.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        "snapshot_date" => rows.iter().map(|c| c.snapshot.clone()).collect::<Vec<_>>(),
        "age" => rows.iter().map(|c| c.age).collect::<Vec<_>>(),
        "tenure_months" => rows.iter().map(|c| c.tenure).collect::<Vec<_>>(),
        "monthly_charges" => rows.iter().map(|c| c.charges).collect::<Vec<_>>(),
        "plan" => rows.iter().map(|c| c.plan.clone()).collect::<Vec<_>>(),
        "region" => rows.iter().map(|c| c.region.clone()).collect::<Vec<_>>(),
        "support_calls" => rows.iter().map(|c| c.calls).collect::<Vec<_>>(),
        "days_since_login" => rows.iter().map(|c| c.login_days).collect::<Vec<_>>(),
        "payment_method" => rows.iter().map(|c| c.payment.clone()).collect::<Vec<_>>(),
        "contract" => rows.iter().map(|c| c.contract.clone()).collect::<Vec<_>>(),
        "last_ticket_at" => rows.iter().map(|c| c.ticket_at.clone()).collect::<Vec<_>>(),
        "refund_issued" => rows.iter().map(|c| c.refund).collect::<Vec<_>>(),
    )
    .unwrap();
    if with_label {
        df.with_column(Column::new("churned".into(), rows.iter().map(|c| c.churned).collect::<Vec<_>>())).unwrap();
    }
    df
}

/// Predictions of a model whose score is the true logit plus noise (noisier in `noisy`).
fn predictions(rng: &mut Rng, rows: &[Customer], noise: f64, noisy: &[(&str, f64)]) -> DataFrame {
    let scores: Vec<f64> = rows
        .iter()
        .map(|c| {
            let sd = noisy.iter().find(|(r, _)| *r == c.region).map(|(_, s)| *s).unwrap_or(noise);
            let s = sigmoid(c.logit + sd * rng.normal());
            (s * 1e6).round() / 1e6
        })
        .collect();
    df!(
        "customer_id" => rows.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        "churned" => rows.iter().map(|c| c.churned).collect::<Vec<_>>(),
        "score" => scores,
        "region" => rows.iter().map(|c| c.region.clone()).collect::<Vec<_>>(),
        "plan" => rows.iter().map(|c| c.plan.clone()).collect::<Vec<_>>(),
        "tenure_months" => rows.iter().map(|c| c.tenure).collect::<Vec<_>>(),
    )
    .unwrap()
}

fn write_csv(path: &Path, df: &mut DataFrame) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    CsvWriter::new(File::create(path).unwrap()).include_header(true).finish(df).unwrap();
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/churn");
    let mut rng = Rng::new(20_241_127);

    // Train: Jan–Jun 2024; test: Jul–Aug 2024; serving sample: Oct 2024.
    let mut train: Vec<Customer> = (0..4000).map(|i| customer(&mut rng, 100_000 + i, 0, 181, 0.0)).collect();
    let mut test: Vec<Customer> = (0..1500).map(|i| customer(&mut rng, 200_000 + i, 182, 243, 0.0)).collect();
    let mut current: Vec<Customer> = (0..1500).map(|i| customer(&mut rng, 300_000 + i, 274, 304, 10.0)).collect();

    // Point-in-time leakage: the ticket was observed after the snapshot for 40 rows.
    for c in train.iter_mut().step_by(100) {
        let later = date(c.day + rng.int(1, 20)).and_hms_opt(12, 0, 0).unwrap();
        c.ticket_at = later.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    // Group leakage: 25 test customers also appear in training.
    for i in 0..25 {
        test[i * 60].id = train[i * 150 + 7].id.clone();
    }
    // Schema violations in the serving sample.
    for i in [12, 340, 977] {
        current[i].age = Some(-1);
    }
    for i in [5, 88, 612, 1400] {
        current[i].plan = "enterprise".into();
    }
    for i in (30..1500).step_by(97) {
        current[i].tenure = None;
    }
    current[1499].id = current[3].id.clone();

    let mut train_df = frame(&train, true);
    let mut test_df = frame(&test, true);
    write_csv(&root.join("data/train.csv"), &mut train_df);
    write_csv(&root.join("data/test.csv"), &mut test_df);
    let mut cur_df = frame(&current, false);
    // Serving logs carry the live model's score (the candidate, already deployed in shadow).
    let live: Vec<f64> = current
        .iter()
        .map(|c| {
            let sd = if c.region == "south" { 4.0 } else { 0.35 };
            (sigmoid(c.logit + sd * rng.normal()) * 1e6).round() / 1e6
        })
        .collect();
    cur_df.with_column(Column::new("score".into(), live)).unwrap();
    JsonWriter::new(File::create(root.join("data/serving_sample.jsonl")).unwrap())
        .with_json_format(JsonFormat::JsonLines)
        .finish(&mut cur_df)
        .unwrap();

    // Candidate: good overall, poor in the south; champion: a bit worse everywhere.
    let mut cand = predictions(&mut rng, &test, 0.35, &[("south", 4.0), ("islands", 3.0)]);
    write_csv(&root.join("runs/candidate/predictions.csv"), &mut cand);
    let mut champ = predictions(&mut rng, &test, 1.7, &[]);
    std::fs::create_dir_all(root.join("runs/champion")).unwrap();
    ParquetWriter::new(File::create(root.join("runs/champion/predictions.parquet")).unwrap())
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut champ)
        .unwrap();

    // The schema the team committed: inferred from training data, with the label optional
    // because the serving sample has no outcome yet.
    let mut schema = mlgate::gates::schema::infer::infer(
        &train_df,
        &mlgate::gates::schema::infer::InferOptions::default(),
        "Inferred by `mlgate schema infer data/train.csv` (4,000 rows); churned made optional for serving data.".into(),
    )
    .unwrap();
    for c in &mut schema.columns {
        if c.name == "churned" {
            c.required = false;
        }
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap();
    text.push('\n');
    std::fs::write(root.join("schema.json"), text).unwrap();
    skew_tables(&root, &test);
    outcomes(&root, &current);
    println!("wrote {}", root.display());
}

/// The training pipeline's feature table for the test customers (offline) and the serving
/// log of what the service computed for 40% of them (online), with planted skew: the hour
/// of the last login in UTC+2 online, days since the last complaint imputed as 0 online
/// where training leaves it missing, the discount as percent online and a fraction
/// offline, and monthly charges stored as float32 online (a round-off that must pass).
/// A separate generator, so the other files stay as they were.
fn skew_tables(root: &Path, test: &[Customer]) {
    let mut rng = Rng::new(20_261_201);
    struct Row {
        id: String,
        scored_us: i64,
        hour: i64,
        complaint: Option<i64>,
        discount: f64,
    }
    let rows: Vec<Row> = test
        .iter()
        .map(|c| {
            let at =
                date(c.day).and_hms_opt(6, 0, 0).unwrap().and_utc().timestamp_micros() + rng.int(0, 3_599) * 1_000_000;
            Row {
                id: c.id.clone(),
                scored_us: at,
                hour: rng.int(0, 23),
                complaint: (rng.f() < 0.7).then(|| rng.int(1, 120)),
                discount: if rng.f() < 0.5 { 0.0 } else { (rng.f() * 30.0).round() / 100.0 },
            }
        })
        .collect();
    let iso = |us: i64, millis: bool| {
        let t = chrono::DateTime::from_timestamp_micros(us).unwrap();
        if millis { t.format("%Y-%m-%dT%H:%M:%S%.3fZ") } else { t.format("%Y-%m-%dT%H:%M:%SZ") }.to_string()
    };
    let mut offline = df!(
        "customer_id" => rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        "scored_at" => rows.iter().map(|r| iso(r.scored_us, false)).collect::<Vec<_>>(),
        "tenure_months" => test.iter().map(|c| c.tenure).collect::<Vec<_>>(),
        "monthly_charges" => test.iter().map(|c| c.charges).collect::<Vec<_>>(),
        "plan" => test.iter().map(|c| c.plan.clone()).collect::<Vec<_>>(),
        "region" => test.iter().map(|c| c.region.clone()).collect::<Vec<_>>(),
        "support_calls" => test.iter().map(|c| c.calls).collect::<Vec<_>>(),
        "last_login_hour" => rows.iter().map(|r| r.hour).collect::<Vec<_>>(),
        "days_since_complaint" => rows.iter().map(|r| r.complaint).collect::<Vec<_>>(),
        "discount_share" => rows.iter().map(|r| r.discount).collect::<Vec<_>>(),
    )
    .unwrap();
    write_csv(&root.join("data/offline_features.csv"), &mut offline);
    // Served: 40% of the test customers, a request 0–1.5 s after the batch's timestamp,
    // plus three requests from customers the training pipeline never saw.
    let served: Vec<usize> = (0..test.len()).filter(|i| i % 5 < 2).collect();
    let mut ids: Vec<String> = served.iter().map(|&i| rows[i].id.clone()).collect();
    let mut at: Vec<String> =
        served.iter().map(|&i| iso(rows[i].scored_us + rng.int(0, 1_500) * 1_000, true)).collect();
    let pick = |f: &dyn Fn(usize) -> f64| served.iter().map(|&i| f(i)).collect::<Vec<f64>>();
    let mut tenure: Vec<Option<i64>> = served.iter().map(|&i| test[i].tenure).collect();
    let mut charges = pick(&|i| (test[i].charges as f32) as f64);
    let mut plan: Vec<String> = served.iter().map(|&i| test[i].plan.clone()).collect();
    let mut region: Vec<String> = served.iter().map(|&i| test[i].region.clone()).collect();
    let mut calls: Vec<i64> = served.iter().map(|&i| test[i].calls).collect();
    let mut hour: Vec<i64> = served.iter().map(|&i| (rows[i].hour + 2) % 24).collect();
    let mut complaint: Vec<i64> = served.iter().map(|&i| rows[i].complaint.unwrap_or(0)).collect();
    let mut discount = pick(&|i| (rows[i].discount * 100.0).round());
    for (k, r) in rows.iter().take(3).enumerate() {
        ids.push(format!("C9{k:05}"));
        at.push(iso(r.scored_us, true));
        tenure.push(Some(1));
        charges.push(40.0);
        plan.push("basic".into());
        region.push("north".into());
        calls.push(0);
        hour.push(12);
        complaint.push(0);
        discount.push(0.0);
    }
    let n = ids.len();
    let mut online = df!(
        "customer_id" => ids,
        "served_at" => at,
        "model_version" => vec!["churn-2024-09"; n],
        "tenure_months" => tenure,
        "monthly_charges" => charges,
        "plan" => plan,
        "region" => region,
        "support_calls" => calls,
        "last_login_hour" => hour,
        "days_since_complaint" => complaint,
        "discount_share" => discount,
    )
    .unwrap();
    JsonWriter::new(File::create(root.join("data/online_features.jsonl")).unwrap())
        .with_json_format(JsonFormat::JsonLines)
        .finish(&mut online)
        .unwrap();
}

/// Delayed outcomes of the serving sample, known a month on for 70% of its customers (at
/// random) and drawn from the same process. Written last, from their own generator, so
/// every other file stays as it was. The repeated customer id's second row is left out.
fn outcomes(root: &Path, current: &[Customer]) {
    let mut rng = Rng::new(20_241_201);
    let known: Vec<&Customer> = current[..current.len() - 1].iter().filter(|_| rng.f() < 0.7).collect();
    let mut df = df!(
        "customer_id" => known.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        "churned" => known.iter().map(|c| c.churned).collect::<Vec<_>>(),
    )
    .unwrap();
    write_csv(&root.join("data/outcomes.csv"), &mut df);
}
