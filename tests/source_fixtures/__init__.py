"""Source files in every format, written by the tests themselves (one module per format): make(folder) -> the file."""
