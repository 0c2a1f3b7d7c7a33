"""Pose estimation: backends that turn video frames into 2D landmarks, and subject selection."""
