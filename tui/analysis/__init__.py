"""Analysis: findings, thresholds, reports and comparisons over a model."""
