-- Import after review (issue 12): a draft's `text` is now the task's whole text;
-- `first_words` keeps the extractor's first words, by which a re-import knows the
-- task again. How sure the extractor was (per mille, an integer so both databases
-- agree) and its reasons for doubt; the bodies outside the agency register that the
-- draft names, with the extractor's kind (JSON [{name, kind}]); and the agency a
-- reviewer chose to add them under (its code), when not the document's issuer.
ALTER TABLE task_drafts ADD COLUMN first_words TEXT;
ALTER TABLE task_drafts ADD COLUMN confidence_permille BIGINT;
ALTER TABLE task_drafts ADD COLUMN doubts_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE task_drafts ADD COLUMN units_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE task_drafts ADD COLUMN unit_parent TEXT;
