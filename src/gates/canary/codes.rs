//! Check codes of the shadow / canary gate: stable names users grep, waive and look up with
//! `mlgate explain`.

crate::check_codes! {
    /// Every check code the canary gate emits.
    pub enum Code {
        Pairing = "canary.pairing":
            "Shadow mode: champion and candidate rows that found no partner on the key (or by position); unpaired requests are a logging bug and are left out (max_unpaired).",
        Scores = "canary.scores":
            "The candidate's score distribution against the champion's: PSI over the champion's quantile bins and the KS statistic, a level applied only when KS is significant; a change alarm, not a harm (psi).",
        Agreement = "canary.agreement":
            "Shadow mode: the share of requests whose decision (score ≥ threshold) differs between champion and candidate, with its interval, against the allowed disagreement (max_disagreement).",
        DecisionRate = "canary.decision-rate":
            "Canary mode: the difference of the positive-decision rates of the two arms, with its interval, against the allowed change (max_decision_rate_change).",
        Brier = "canary.brier":
            "Where outcomes exist: the candidate's Brier score minus the champion's (paired per request in shadow mode), with its interval, against the allowed increase (max_brier_increase).",
        Ece = "canary.ece":
            "Where outcomes exist: the change of expected calibration error (10 equal-width bins), with a bootstrap interval (paired in shadow mode), against the allowed increase (max_ece_increase).",
        Auc = "canary.auc":
            "Where outcomes exist: the drop of ROC AUC from champion to candidate with DeLong's interval (paired in shadow mode), against the allowed drop (max_auc_drop).",
        Accuracy = "canary.accuracy":
            "Where outcomes exist: the drop of accuracy at the threshold (paired per request in shadow mode, McNemar's test alongside), against the allowed drop (max_accuracy_drop).",
        Latency = "canary.latency":
            "Service health: the candidate's p99 latency over the champion's, judged with a one-sided Mann–Whitney test, against the allowed increase (max_latency_increase).",
        Errors = "canary.errors":
            "Service health: the candidate's error rate minus the champion's, with its interval, against the allowed increase (max_error_rate_increase).",
        FeedbackLoop = "canary.feedback-loop":
            "Outcomes observed for part of the traffic: whether the serving model's own decisions chose which (labels mostly on one side of the threshold), which biases metrics and retraining on observed outcomes; names the remedies (min_coverage_ratio).",
        NotEvaluated = "canary.not-evaluated":
            "A check could not be judged: no outcomes yet, too few rows, constant scores, or a column the files lack.",
    }
}
