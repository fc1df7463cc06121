package io.herald.criteria;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A parsed criteria expression {@code Type?param=value&...}: clauses that must all hold (a
 * repeated parameter is two clauses); each clause holds if any of its comma-separated values
 * does. Built by {@link CriteriaParser}; evaluated in memory by {@link #matches} and in SQL by
 * the store, from the same values ({@link Extractor}).
 */
public record Criteria(String type, List<Clause> clauses) {

  public Criteria {
    clauses = List.copyOf(clauses);
  }

  /** These criteria and {@code more}'s (of the same type): a resource matches both. */
  public Criteria and(Criteria more) {
    if (!more.type.equals(type)) {
      throw new IllegalArgumentException("criteria on " + more.type + " cannot be ANDed with criteria on " + type);
    }
    List<Clause> all = new ArrayList<>(clauses);
    all.addAll(more.clauses);
    return new Criteria(type, all);
  }

  /** Whether the resource (plain maps and lists) meets every clause. */
  public boolean matches(Map<String, Object> resource) {
    if (!type.equals(resource.get("resourceType"))) {
      return false;
    }
    for (Clause clause : clauses) {
      if (!clause.test(Extractor.extract(resource, clause.param()))) {
        return false;
      }
    }
    return true;
  }

  /** The same, on values already extracted ({@link Extractor#index}). */
  public boolean matches(String resourceType, Map<SearchParameter, List<IndexValue>> index) {
    return matches(resourceType, p -> index.getOrDefault(p, List.of()));
  }

  /** The same, taking each parameter's values from {@code values} (which may extract lazily and cache). */
  public boolean matches(String resourceType, Function<SearchParameter, List<IndexValue>> values) {
    if (!type.equals(resourceType)) {
      return false;
    }
    for (Clause clause : clauses) {
      if (!clause.test(values.apply(clause.param()))) {
        return false;
      }
    }
    return true;
  }

  /** Search modifiers. */
  public enum Modifier { NONE, EXACT, CONTAINS, TEXT, NOT, MISSING }

  /**
   * One parameter's condition.
   *
   * @param missing for {@link Modifier#MISSING}: true asks for resources without a value
   */
  public record Clause(SearchParameter param, Modifier modifier, List<Value> anyOf, boolean missing) {

    public Clause {
      anyOf = List.copyOf(anyOf);
    }

    public boolean test(List<IndexValue> values) {
      if (modifier == Modifier.MISSING) {
        return values.isEmpty() == missing;
      }
      boolean any = false;
      for (Value wanted : anyOf) {
        for (IndexValue value : values) {
          if (wanted.test(value, modifier)) {
            any = true;
            break;
          }
        }
        if (any) {
          break;
        }
      }
      return modifier == Modifier.NOT ? !any : any;
    }
  }

  /** One search value, typed by its parameter. */
  public sealed interface Value {
    boolean test(IndexValue value, Modifier modifier);
  }

  /** @param normalized for the default starts-with and :contains; {@code exact} for :exact */
  public record StringValue(String normalized, String exact) implements Value {
    public boolean test(IndexValue value, Modifier modifier) {
      if (!(value instanceof IndexValue.Str s)) {
        return false;
      }
      return switch (modifier) {
        case EXACT -> s.exact().equals(exact);
        case CONTAINS -> s.normalized().contains(normalized);
        default -> s.normalized().startsWith(normalized);
      };
    }
  }

  /**
   * @param system      the system to match; null with {@code systemGiven} means "no system" ({@code |code})
   * @param systemGiven whether the value named a system at all ({@code code} alone names none)
   * @param code        null for {@code system|} (any code of the system)
   * @param text        for :text, the normalized text to start with
   */
  public record TokenValue(String system, boolean systemGiven, String code, String text) implements Value {
    public boolean test(IndexValue value, Modifier modifier) {
      if (!(value instanceof IndexValue.Token t)) {
        return false;
      }
      if (modifier == Modifier.TEXT) {
        return t.text() != null && t.text().startsWith(text);
      }
      if (code != null && !code.equals(t.code())) {
        return false;
      }
      if (code == null && t.code() == null) {
        return false;
      }
      if (systemGiven) {
        return system == null ? t.system() == null : system.equals(t.system());
      }
      return true;
    }
  }

  /** A date range with its prefix; for {@code ap} the range is already widened. */
  public record DateValue(Prefix prefix, DateRange range) implements Value {
    public boolean test(IndexValue value, Modifier modifier) {
      if (!(value instanceof IndexValue.Date d)) {
        return false;
      }
      if (prefix == Prefix.AP) {
        return d.lo() < range.hi() && d.hi() > range.lo();
      }
      return range.matches(prefix, d.lo(), d.hi());
    }
  }

  /**
   * A number with its prefix. {@code lo}/{@code hi}: the range its precision implies ({@code 100}
   * is [99.5, 100.5)), used by eq and ne; the other prefixes compare with the value itself;
   * ap accepts within 10% of it.
   */
  public record NumberValue(Prefix prefix, BigDecimal value, BigDecimal lo, BigDecimal hi) implements Value {
    public boolean test(IndexValue v, Modifier modifier) {
      return v instanceof IndexValue.Num n && compare(n.value());
    }

    boolean compare(BigDecimal t) {
      return switch (prefix) {
        case EQ -> t.compareTo(lo) >= 0 && t.compareTo(hi) < 0;
        case NE -> !(t.compareTo(lo) >= 0 && t.compareTo(hi) < 0);
        case GT, SA -> t.compareTo(value) > 0;
        case LT, EB -> t.compareTo(value) < 0;
        case GE -> t.compareTo(value) >= 0;
        case LE -> t.compareTo(value) <= 0;
        case AP -> t.subtract(value).abs().compareTo(value.abs().multiply(BigDecimal.valueOf(0.1))) <= 0;
      };
    }
  }

  /** {@code [prefix]number|system|code}: system must equal when given; code matches code or unit. */
  public record QuantityValue(NumberValue number, String system, String code) implements Value {
    public boolean test(IndexValue v, Modifier modifier) {
      if (!(v instanceof IndexValue.Quantity q) || !number.compare(q.value())) {
        return false;
      }
      if (system != null && !system.equals(q.system())) {
        return false;
      }
      if (code == null) {
        return true;
      }
      return system != null ? code.equals(q.code()) : code.equals(q.code()) || code.equals(q.unit());
    }
  }

  /**
   * @param type the referenced type, or null for any of the parameter's targets
   * @param id   the referenced id, or null when only {@code url} can be compared
   */
  public record ReferenceValue(String type, String id, String url) implements Value {
    public boolean test(IndexValue v, Modifier modifier) {
      if (!(v instanceof IndexValue.Reference r)) {
        return false;
      }
      if (id == null) {
        return url.equals(r.url());
      }
      return id.equals(r.id()) && (type == null || type.equals(r.type()));
    }
  }

  public record UriValue(String uri) implements Value {
    public boolean test(IndexValue v, Modifier modifier) {
      return v instanceof IndexValue.Uri u && u.uri().equals(uri);
    }
  }
}
