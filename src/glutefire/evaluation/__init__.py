"""Evaluation: screening labelled clips and scoring the results against the labels."""
