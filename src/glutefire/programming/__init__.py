"""Programming stage: questionnaire, exercise library, rules and corrective plans."""
