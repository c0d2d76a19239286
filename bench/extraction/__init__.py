"""`python -m bench.extraction`: how well engine/proposals finds the tasks of directive texts
annotated by hand (corpus/annotations.json; sources in corpus/MANIFEST.md)."""
