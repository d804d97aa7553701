-- Site search (issue 14 item 6): a document is found by its whole text, not only
-- by its number, kind, title and issuer. documents.search_text (the folded key,
-- 0001_core.sql) now also holds the folded body. SQL cannot fold Vietnamese
-- (NFD, marks dropped, đ → d), so this migration's work is its Rust step,
-- `documents::refold_documents` (crates/store/src/repo/documents.rs, called by
-- `apply_migration` in repo.rs), which recomputes the key of every document in
-- the migration's transaction. New and edited documents fill it themselves.
-- The statement below only touches nothing, so that the file is not empty.
UPDATE documents SET search_text = search_text WHERE 1 = 0;
