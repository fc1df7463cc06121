package io.herald.criteria;

import io.herald.criteria.Criteria.Clause;
import io.herald.criteria.Criteria.Modifier;
import io.herald.criteria.Criteria.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the subscriptions whose criteria match a changed resource without evaluating them all.
 *
 * <p>Criteria are filed by resource type, then under the exact values one of their clauses
 * requires: a token's code, a reference's id, a uri, an exact string (the clause with the fewest
 * values is chosen; comma-separated values file the criteria under each). A change looks up its
 * own values of those parameters and evaluates only the criteria found there, plus the few that
 * require no exact value (a date range, a prefix, a :missing), which are evaluated in turn.
 * Every candidate is evaluated in full, so the index only narrows, never decides.
 *
 * <p>Not thread-safe: one owner (the match verticle) adds, removes and matches.
 *
 * @param <K> what identifies a subscription
 */
public final class SubscriptionIndex<K> {

  private final Map<String, TypeIndex<K>> byType = new HashMap<>();
  private final Map<K, Filed<K>> filed = new HashMap<>();

  private record Entry<K>(K key, Criteria criteria) {
  }

  private record Filed<K>(Entry<K> entry, SearchParameter param, List<String> keys) {
  }

  private static final class TypeIndex<K> {
    final Map<SearchParameter, Map<String, List<Entry<K>>>> exact = new HashMap<>();
    final List<Entry<K>> rest = new ArrayList<>();
  }

  /** Files (or re-files) {@code key} under its criteria. */
  public void add(K key, Criteria criteria) {
    remove(key);
    Entry<K> entry = new Entry<>(key, criteria);
    TypeIndex<K> index = byType.computeIfAbsent(criteria.type(), t -> new TypeIndex<>());
    Clause best = null;
    List<String> bestKeys = null;
    for (Clause clause : criteria.clauses()) {
      List<String> keys = keys(clause);
      if (keys != null && (bestKeys == null || keys.size() < bestKeys.size())) {
        best = clause;
        bestKeys = keys;
      }
    }
    if (best == null) {
      index.rest.add(entry);
      filed.put(key, new Filed<>(entry, null, List.of()));
      return;
    }
    Map<String, List<Entry<K>>> byValue = index.exact.computeIfAbsent(best.param(), p -> new HashMap<>());
    for (String value : bestKeys) {
      byValue.computeIfAbsent(value, v -> new ArrayList<>(1)).add(entry);
    }
    filed.put(key, new Filed<>(entry, best.param(), bestKeys));
  }

  public boolean remove(K key) {
    Filed<K> f = filed.remove(key);
    if (f == null) {
      return false;
    }
    TypeIndex<K> index = byType.get(f.entry().criteria().type());
    if (f.param() == null) {
      index.rest.remove(f.entry());
    } else {
      Map<String, List<Entry<K>>> byValue = index.exact.get(f.param());
      for (String value : f.keys()) {
        List<Entry<K>> entries = byValue.get(value);
        entries.remove(f.entry());
        if (entries.isEmpty()) {
          byValue.remove(value);
        }
      }
      if (byValue.isEmpty()) {
        index.exact.remove(f.param());
      }
    }
    return true;
  }

  public int size() {
    return filed.size();
  }

  /** The keys of every subscription whose criteria match {@code resource} (plain maps and lists). */
  public List<K> match(Map<String, Object> resource) {
    Object type = resource.get("resourceType");
    TypeIndex<K> index = byType.get(type);
    if (index == null) {
      return List.of();
    }
    Map<SearchParameter, List<IndexValue>> extracted = new HashMap<>();
    java.util.function.Function<SearchParameter, List<IndexValue>> values =
        p -> extracted.computeIfAbsent(p, q -> Extractor.extract(resource, q));
    Set<Entry<K>> candidates = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Map.Entry<SearchParameter, Map<String, List<Entry<K>>>> byParam : index.exact.entrySet()) {
      for (IndexValue value : values.apply(byParam.getKey())) {
        List<Entry<K>> found = byParam.getValue().get(lookupKey(value));
        if (found != null) {
          candidates.addAll(found);
        }
      }
    }
    List<K> matched = new ArrayList<>();
    String resourceType = (String) type;
    for (Entry<K> entry : candidates) {
      if (entry.criteria().matches(resourceType, values)) {
        matched.add(entry.key());
      }
    }
    for (Entry<K> entry : index.rest) {
      if (entry.criteria().matches(resourceType, values)) {
        matched.add(entry.key());
      }
    }
    return matched;
  }

  /** The exact values a clause requires (any of them), or null when it requires none. */
  private static List<String> keys(Clause clause) {
    if (clause.modifier() != Modifier.NONE && clause.modifier() != Modifier.EXACT) {
      return null;
    }
    List<String> keys = new ArrayList<>();
    for (Value v : clause.anyOf()) {
      String key = null;
      if (v instanceof Criteria.TokenValue t && t.code() != null) {
        key = t.code();
      } else if (v instanceof Criteria.ReferenceValue r && r.id() != null) {
        key = r.id();
      } else if (v instanceof Criteria.UriValue u) {
        key = u.uri();
      } else if (v instanceof Criteria.StringValue s && clause.modifier() == Modifier.EXACT) {
        key = s.exact();
      }
      if (key == null) {
        return null;
      }
      keys.add(key);
    }
    return keys.isEmpty() ? null : keys;
  }

  /** The key a resource's value is looked up under: the same field {@link #keys} files criteria by. */
  private static String lookupKey(IndexValue value) {
    if (value instanceof IndexValue.Token t) {
      return t.code();
    }
    if (value instanceof IndexValue.Reference r) {
      return r.id();
    }
    if (value instanceof IndexValue.Uri u) {
      return u.uri();
    }
    if (value instanceof IndexValue.Str s) {
      return s.exact();
    }
    return null;
  }
}
