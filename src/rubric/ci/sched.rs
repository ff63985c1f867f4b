//! Schedules written in code or configuration rather than in a CI file: Airflow DAGs with a
//! schedule, Prefect deployments (`CronSchedule`, `cron=`, deployment YAML with a schedule),
//! Dagster schedules, cloud scheduler rules (AWS EventBridge `Schedule`, Azure ML
//! `JobSchedule` / `RecurrenceTrigger`, Vertex `PipelineJobSchedule`, Kubeflow recurring
//! runs) and Kubernetes `CronJob`s. Each becomes a scheduled job whose first step is the
//! defining file itself (`file: PATH`), so the automation graph follows its imports and the
//! files it names; an Airflow DAG's `bash_command`s become commands too.

use std::sync::LazyLock;

use regex::Regex;

use super::{Cmd, Job};

static CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(CronSchedule|IntervalSchedule|RRuleSchedule|ScheduleDefinition|JobSchedule|RecurrenceTrigger|",
        r"CronTrigger|PipelineJobSchedule|create_recurring_run|BlockingScheduler|BackgroundScheduler)\s*\(|",
        r"\bSchedule\.(expression|cron|rate)\s*\(|@schedule\s*\(|\.(serve|deploy)\s*\([^)]*\bcron\s*=|",
        r"\bschedule(_interval)?\s*=\s*(timedelta|'@|'\s*[0-9*]|\x22@|\x22\s*[0-9*]|[A-Z_]*CRON|cron)"
    ))
    .expect("valid")
});
static STARTS_PIPELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"targets\.CodePipeline\(|StartPipelineExecution|start_pipeline_execution|\bPipelineJob\(|create_run_from_pipeline|submit_pipeline").expect("valid")
});
static DAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bDAG\s*\(|@dag\s*\(").expect("valid"));
static BASH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)bash_command\s*=\s*(?:f?"""(.*?)"""|f?'''(.*?)'''|f?"([^"\n]*)"|f?'([^'\n]*)')"#).expect("valid")
});
static YAML_SCHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*(schedule|cron|ScheduleExpression|schedule_expression)\s*:[ \t]*(\S[^\n]*)$").expect("valid")
});

/// A scheduled job defined by `rel`, if it defines one.
pub fn parse(rel: &str, code: &str) -> Option<Job> {
    let ext = super::super::scan::extension(rel);
    let system = match ext.as_str() {
        "py" => {
            CODE.find(code)?;
            if DAG.is_match(code) { "Airflow" } else { "scheduler in code" }
        }
        "yml" | "yaml" => {
            let cronjob = code.contains("kind: CronJob");
            let m = YAML_SCHED.captures(code);
            let null = m.as_ref().is_some_and(|m| matches!(m[2].trim(), "null" | "~" | "None" | "''" | "\"\""));
            if !cronjob && (m.is_none() || null) {
                return None;
            }
            if cronjob { "Kubernetes CronJob" } else { "scheduler config" }
        }
        _ => return None,
    };
    let mut j = Job::new(rel, "schedule", system, vec!["schedule".into()]);
    j.commands.push(Cmd::new(format!("file: {rel}")));
    if STARTS_PIPELINE.is_match(code) {
        // A rule that starts a pipeline by name or ARN: the pipelines the repository defines.
        j.commands.push(Cmd::new("ml-pipelines"));
    }
    if ext == "py" {
        for c in BASH.captures_iter(code) {
            let body = (1..=4).find_map(|i| c.get(i)).map_or("", |m| m.as_str());
            super::push_lines(body, &mut j.commands);
        }
    } else if let Ok(docs) = super::super::yaml::load(code)
        && let Some(doc) = docs.first()
    {
        let mut refs = Vec::new();
        super::collect(doc, &mut j.commands, &mut refs);
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_in_code_and_config() {
        let dag = "with DAG('d', schedule_interval='@daily') as dag:\n    t = BashOperator(task_id='t', bash_command='dbt test')\n    u = BashOperator(task_id='u', bash_command=\"\"\"\n        cd x; dbt run\n    \"\"\")\n";
        let j = parse("dags/d.py", dag).unwrap();
        assert_eq!(j.system, "Airflow");
        assert!(j.commands.iter().any(|c| c.text == "dbt test"));
        assert!(j.commands.iter().any(|c| c.text == "cd x; dbt run"), "{:?}", j.commands);
        assert!(parse("dags/d.py", "with DAG('d', schedule=None) as dag:\n    pass\n").is_none());
        let prefect = "Deployment.build_from_flow(flow=train, schedule=CronSchedule(cron='0 3 * * *'))\n";
        assert_eq!(parse("deploy.py", prefect).unwrap().commands[0].text, "file: deploy.py");
        assert!(parse("deploy.py", "x = schedule = 3\n").is_none());
        assert!(parse("d-deployment.yaml", "schedule: null\nentrypoint: train.py:flow\n").is_none());
        let cj = "kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      containers:\n      - command: [python, monitor.py]\n";
        assert!(parse("k8s/cron.yaml", cj).is_some());
        let aws = "rule = events.Rule(self, 'R', schedule=events.Schedule.expression('cron(0 12 1 * ? *)'))\n";
        assert!(parse("infra/stack.py", aws).is_some());
    }
}
