"""What several apps share and none of them owns: the bottom layer (it imports no project app)."""
