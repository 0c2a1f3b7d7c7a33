"""Input and output at the edges: video decoding and keypoint files."""
