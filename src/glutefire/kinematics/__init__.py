"""Kinematics: cleaning keypoint trajectories and computing joint and segment angles."""
