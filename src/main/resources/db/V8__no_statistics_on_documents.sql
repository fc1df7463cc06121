-- ANALYZE samples every column of a table, and a JSON document is the costliest to read (often compressed, often out
-- of line). No query plan uses statistics of a whole document (search goes through search_index; the few filters on
-- content are on expressions), so they are not gathered: autovacuum's ANALYZE of these growing tables then costs a
-- fraction of the CPU and reads it took, which a busy node notices as a latency spike once a minute.
ALTER TABLE resource ALTER COLUMN content SET STATISTICS 0;
ALTER TABLE resource_history ALTER COLUMN content SET STATISTICS 0;
ALTER TABLE change ALTER COLUMN content SET STATISTICS 0;
