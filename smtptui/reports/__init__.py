"""Reports as people and files see them: text rendering (:mod:`.text`), saving (:mod:`.files`)."""
