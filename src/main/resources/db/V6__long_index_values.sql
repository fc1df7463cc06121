-- Long values are searchable. A btree entry holds at most about 2.7 kB, so a string, token, reference
-- or uri value of that size failed its write. s1, the indexed column, now keeps at most the first
-- 512 characters of a value (at most 2 kB); s1_full keeps the whole value when it is longer. Searches
-- recheck against the whole value wherever a query's value reaches past the prefix
-- (io.herald.store.SearchSql, S1_CHARS): search and in-memory matching still agree.
ALTER TABLE search_index ADD COLUMN s1_full text COLLATE "C";
UPDATE search_index SET s1_full = s1, s1 = left(s1, 512) WHERE length(s1) > 512;

CREATE FUNCTION herald_bound_s1() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.s1_full := NEW.s1;
  NEW.s1 := left(NEW.s1, 512);
  RETURN NEW;
END $$;
-- Fires only for the rare long value: the WHEN test is all an ordinary row costs.
CREATE TRIGGER search_index_bound_s1 BEFORE INSERT ON search_index
  FOR EACH ROW WHEN (length(NEW.s1) > 512) EXECUTE FUNCTION herald_bound_s1();
